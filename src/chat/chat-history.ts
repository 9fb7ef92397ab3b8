/**
 * The history sent upstream with a new message: the last 20 messages, trimmed to about 16k characters,
 * oldest first, starting with a visitor message. Failed replies carry no text and are left out.
 */
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { preparedPerDatabase } from '../db/prepared-statement.js';
import { messages } from '../db/schema.js';
import type { ChatMessage } from '../llm/providers/provider-types.js';

export const HISTORY_MAX_MESSAGES = 20;
export const HISTORY_MAX_CHARACTERS = 16_000;

/**
 * Previous messages of the conversation, newest last. The new visitor message is stored concurrently,
 * so it is excluded by id: whether this read sees it or not, it is appended exactly once.
 */
export async function loadRecentHistory(
  db: Database,
  conversation: { conversationId: string; workspaceId: string },
  options: { excludingMessageId: string },
): Promise<ChatMessage[]> {
  const rows = await selectRecentMessages(db).execute({
    conversationId: conversation.conversationId,
    workspaceId: conversation.workspaceId,
    excludingMessageId: options.excludingMessageId,
  });
  return rows.reverse().filter((row) => row.content !== '');
}

const selectRecentMessages = preparedPerDatabase((db) =>
  db
    .select({ role: messages.role, content: messages.content })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, sql.placeholder('conversationId')),
        eq(messages.workspaceId, sql.placeholder('workspaceId')),
        ne(messages.status, 'failed'),
        ne(messages.id, sql.placeholder('excludingMessageId')),
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(HISTORY_MAX_MESSAGES)
    .prepare('bestai_recent_messages'),
);

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
