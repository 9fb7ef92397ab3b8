/**
 * The history sent upstream with a new message: the last 20 messages, trimmed to about 16k characters,
 * oldest first, starting with a visitor message. Failed replies carry no text and are left out.
 */
import type { ChatMessage } from '../llm/providers/provider-types.js';

export const HISTORY_MAX_MESSAGES = 20;
export const HISTORY_MAX_CHARACTERS = 16_000;

/** Appends the new visitor message and trims the oldest messages until the whole fits the budget. */
export function boundHistory(previous: readonly ChatMessage[], newMessage: ChatMessage): ChatMessage[] {
  const kept: ChatMessage[] = [newMessage];
  let characters = newMessage.content.length;
  for (let index = previous.length - 1; index >= 0 && kept.length < HISTORY_MAX_MESSAGES; index -= 1) {
    const message = previous[index]!;
    if (characters + message.content.length > HISTORY_MAX_CHARACTERS) break;
    kept.unshift(message);
    characters += message.content.length;
  }
  // Providers expect the conversation to open with the visitor.
  while (kept.length > 1 && kept[0]!.role !== 'user') kept.shift();
  return kept;
}
