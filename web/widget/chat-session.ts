/**
 * The conversation logic behind the chat panel, as one Preact hook: history on first open,
 * sending with a streamed reply, Retry, the 429 wait, and New conversation. A stale visitor
 * token or conversation (401/404) silently starts a fresh conversation.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { clearSession, loadSession, saveSession } from './conversation-store.js';
import { readEventStream } from './sse-client.js';
import type { WidgetStrings } from './strings.js';
import {
  createConversation,
  fetchHistory,
  postMessage,
  rateMessage,
  WidgetApiError,
  type ConversationSession,
} from './widget-api.js';

export interface ChatMessage {
  key: string;
  role: 'user' | 'assistant';
  content: string;
  isStreaming?: boolean;
  /** The stored answer's id (from history or the `done` event): what a rating refers to. */
  id?: string;
  rating?: 'up' | 'down' | null;
}

export type ChatNotice =
  /** `isFinal`: sending the same message again cannot succeed (it is refused as it is), so no Retry. */
  { kind: 'error'; message: string; isFinal?: boolean } | { kind: 'rate-limited'; retryAt: number };

export interface ChatSession {
  messages: ChatMessage[];
  isLoadingHistory: boolean;
  /** A message was sent and no part of the answer has arrived yet. */
  isWaiting: boolean;
  /** An answer is on its way (waiting or streaming). */
  isBusy: boolean;
  notice: ChatNotice | undefined;
  send(content: string): void;
  retry(): void;
  startNewConversation(): void;
  /** Rates an answer; clicking the same thumb again takes the rating back. */
  rate(key: string, rating: 'up' | 'down'): void;
}

const DEFAULT_RETRY_SECONDS = 10;
const MAX_SERVER_MESSAGE_LENGTH = 300;
let keyCounter = 0;
const nextKey = (prefix: string) => prefix + ++keyCounter;

function parseData(data: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function isStaleSession(error: unknown): boolean {
  return error instanceof WidgetApiError && (error.status === 401 || error.status === 404);
}

function toNotice(error: unknown, strings: WidgetStrings): ChatNotice {
  if (error instanceof WidgetApiError && error.status === 429) {
    return {
      kind: 'rate-limited',
      retryAt: Date.now() + (error.retryAfterSeconds ?? DEFAULT_RETRY_SECONDS) * 1000,
    };
  }
  if (error instanceof WidgetApiError && (error.status === 400 || error.status === 413)) {
    return { kind: 'error', message: strings.refusedMessage, isFinal: true };
  }
  return {
    kind: 'error',
    message: error instanceof WidgetApiError ? strings.genericError : strings.connectionError,
  };
}

/** Runs one chatbot's conversation for the panel. History loads once `isActive` first becomes true. */
export function useChatSession(
  origin: string,
  publicId: string,
  isActive: boolean,
  strings: WidgetStrings,
): ChatSession {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [isLoadingHistory, setLoadingHistory] = useState(false);
  const [isWaiting, setWaiting] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [notice, setNotice] = useState<ChatNotice | undefined>(undefined);
  const sessionRef = useRef<ConversationSession | undefined>(undefined);
  const pendingRef = useRef<string | undefined>(undefined);
  const abortRef = useRef<AbortController | undefined>(undefined);
  const generationRef = useRef(0);
  const hasLoadedRef = useRef(false);

  useEffect(() => {
    if (!isActive || hasLoadedRef.current) return;
    hasLoadedRef.current = true;
    const session = loadSession(publicId);
    if (!session) return;
    sessionRef.current = session;
    const generation = generationRef.current;
    setLoadingHistory(true);
    fetchHistory(origin, publicId, session)
      .then((history) => {
        if (generation !== generationRef.current) return;
        const restored = history
          .filter((message) => message.content)
          .map((message) => ({
            key: nextKey('h'),
            role: message.role,
            content: message.content,
            id: message.role === 'assistant' && message.status === 'complete' ? message.id : undefined,
          }));
        setMessages((current) => [...restored, ...current]);
      })
      .catch((error: unknown) => {
        if (isStaleSession(error) && generation === generationRef.current) {
          clearSession(publicId);
          sessionRef.current = undefined;
        }
      })
      .finally(() => setLoadingHistory(false));
  }, [isActive, origin, publicId]);

  async function startConversation(): Promise<ConversationSession> {
    const session = await createConversation(origin, publicId);
    saveSession(publicId, session);
    sessionRef.current = session;
    return session;
  }

  async function openStream(content: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const session = sessionRef.current ?? loadSession(publicId) ?? (await startConversation());
    try {
      return await postMessage(origin, publicId, session, content, signal);
    } catch (error) {
      if (!isStaleSession(error)) throw error;
      clearSession(publicId);
      return postMessage(origin, publicId, await startConversation(), content, signal);
    }
  }

  function updateAssistant(
    key: string,
    content: string | undefined,
    isStreaming: boolean,
    id?: string,
  ): void {
    setMessages((current) => {
      if (content === undefined) return current.filter((message) => message.key !== key);
      const next: ChatMessage = { key, role: 'assistant', content, isStreaming, id };
      const index = current.findIndex((message) => message.key === key);
      return index === -1
        ? [...current, next]
        : current.map((message, at) => (at === index ? next : message));
    });
  }

  async function deliver(content: string): Promise<void> {
    const generation = generationRef.current;
    const controller = new AbortController();
    abortRef.current = controller;
    const isCurrent = () => generation === generationRef.current && !controller.signal.aborted;
    const assistantKey = nextKey('a');
    let answer = '';
    let outcome: 'done' | 'error' | undefined;
    let serverMessage = '';
    let answerId: string | undefined;
    pendingRef.current = content;
    setNotice(undefined);
    setBusy(true);
    setWaiting(true);
    try {
      const body = await openStream(content, controller.signal);
      await readEventStream(body, (event) => {
        if (!isCurrent() || outcome) return;
        const data = parseData(event.data);
        if (event.event === 'delta' && typeof data.text === 'string' && data.text) {
          answer += data.text;
          setWaiting(false);
          updateAssistant(assistantKey, answer, true);
        } else if (event.event === 'done') {
          outcome = 'done';
          if (typeof data.messageId === 'string') answerId = data.messageId;
        } else if (event.event === 'error') {
          outcome = 'error';
          if (typeof data.message === 'string')
            serverMessage = data.message.slice(0, MAX_SERVER_MESSAGE_LENGTH);
        }
      });
      if (!isCurrent()) return;
      if (outcome === 'done') {
        pendingRef.current = undefined;
        updateAssistant(assistantKey, answer, false, answerId);
      } else {
        updateAssistant(assistantKey, undefined, false);
        setNotice({ kind: 'error', message: serverMessage || strings.genericError });
      }
    } catch (error) {
      if (!isCurrent()) return;
      updateAssistant(assistantKey, undefined, false);
      setNotice(toNotice(error, strings));
    } finally {
      if (generation === generationRef.current) {
        setBusy(false);
        setWaiting(false);
      }
    }
  }

  return {
    messages,
    isLoadingHistory,
    isWaiting,
    isBusy,
    notice,
    send(content) {
      setMessages((current) => [...current, { key: nextKey('u'), role: 'user', content }]);
      void deliver(content);
    },
    retry() {
      if (pendingRef.current !== undefined) void deliver(pendingRef.current);
    },
    rate(key, rating) {
      const message = messages.find((candidate) => candidate.key === key);
      const session = sessionRef.current;
      if (!message?.id || !session) return;
      const next = message.rating === rating ? null : rating;
      const setRating = (value: 'up' | 'down' | null | undefined) =>
        setMessages((current) =>
          current.map((candidate) => (candidate.key === key ? { ...candidate, rating: value } : candidate)),
        );
      setRating(next);
      // A rating that did not reach BestAI is taken back, so the thumb shows what is stored.
      rateMessage(origin, publicId, session, message.id, next).catch(() => setRating(message.rating));
    },
    startNewConversation() {
      generationRef.current++;
      abortRef.current?.abort();
      clearSession(publicId);
      sessionRef.current = undefined;
      pendingRef.current = undefined;
      setMessages([]);
      setNotice(undefined);
      setBusy(false);
      setWaiting(false);
      setLoadingHistory(false);
    },
  };
}
