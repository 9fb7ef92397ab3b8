/**
 * Remembers the visitor's conversation across page loads: the visitor token and conversation id
 * live in localStorage under a key per chatbot publicId (never in cookies). When storage is
 * unavailable (blocked, private mode, full) it falls back to memory for this page only.
 */
import type { ConversationSession } from './widget-api.js';

const memoryFallback = new Map<string, string>();

/** The localStorage key for one chatbot. */
export function storageKeyFor(publicId: string): string {
  return `bestai:conversation:${publicId}`;
}

function readRaw(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return memoryFallback.get(key) ?? null;
  }
}

/** Reads the stored session for a chatbot, or undefined when none or when it is malformed. */
export function loadSession(publicId: string): ConversationSession | undefined {
  const raw = readRaw(storageKeyFor(publicId));
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<ConversationSession>;
    if (typeof value.conversationId === 'string' && typeof value.visitorToken === 'string') {
      return { conversationId: value.conversationId, visitorToken: value.visitorToken };
    }
  } catch {
    // Malformed: treated as no conversation.
  }
  return undefined;
}

/** Stores the session for a chatbot. */
export function saveSession(publicId: string, session: ConversationSession): void {
  const key = storageKeyFor(publicId);
  const raw = JSON.stringify(session);
  try {
    window.localStorage.setItem(key, raw);
  } catch {
    memoryFallback.set(key, raw);
  }
}

/** Forgets the session for a chatbot (New conversation, or a stale token). */
export function clearSession(publicId: string): void {
  const key = storageKeyFor(publicId);
  memoryFallback.delete(key);
  try {
    window.localStorage.removeItem(key);
  } catch {
    // Storage unavailable: the memory copy is already gone.
  }
}
