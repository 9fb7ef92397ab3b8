/**
 * Read-only views of visitors' conversations for the admin. Every query filters by `workspaceId` in its
 * WHERE (conversations, their chatbot and their messages alike), so another workspace's conversation is
 * not found. Pages are ordered newest first by `(created_at, id)`; the cursor carries both, at the
 * database's microsecond precision, so no conversation is skipped or repeated between pages.
 */
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { AppError, notFound } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { toRating, type Rating } from './message-ratings.js';
import { chatbots, conversations, messages, type MessageKeySource } from '../db/schema.js';

export const PREVIEW_LENGTH = 120;

export interface ConversationSummary {
  id: string;
  chatbotId: string;
  chatbotName: string;
  createdAt: Date;
  updatedAt: Date;
  messageCount: number;
  /** The start of the visitor's first message, on one line; null before they wrote anything. */
  preview: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** US dollars, a decimal string: the sum of its replies' costs; null while no reply has a known cost. */
  costUsd: string | null;
}

interface ConversationTotals {
  messageCount: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: string | null;
}

export interface ConversationFilter {
  chatbotId?: string;
  /** Conversations created at or after this instant. */
  from?: Date;
  /** Conversations created before this instant. */
  to?: Date;
  cursor?: string;
  limit: number;
}

export interface MessageView {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: 'streaming' | 'complete' | 'interrupted' | 'failed';
  provider: string | null;
  model: string | null;
  /** Whose key answered: `workspace`, `chatbot` (its own keys) or `platform`; null on visitor messages. */
  keySource: MessageKeySource | null;
  maskedKey: string | null;
  /** Set when the owner's fallback moved the reply on from a failing provider. */
  fallbackFrom: { provider: string; code: string } | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  /** US dollars, a decimal string; null when no price or no usage was known. */
  costUsd: string | null;
  timeToFirstTokenMs: number | null;
  durationMs: number | null;
  /** The knowledge sources the reply was given; empty when none. */
  sources: Array<{ sourceId: string; title: string }>;
  /** The visitor's thumbs up or down on an answer. */
  rating: Rating | null;
  createdAt: Date;
}

export interface ConversationDetail {
  id: string;
  chatbotId: string;
  chatbotName: string;
  createdAt: Date;
  messages: MessageView[];
}

/** `created_at` as UTC text with microseconds, e.g. `2025-01-31T09:15:02.123456Z`. */
const createdAtText = sql<string>`to_char(${conversations.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const cursorPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([0-9a-f-]{36})$/;

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const match = cursorPattern.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw new AppError('invalid_request', {
      message: 'The cursor is not valid; start again from the first page.',
      details: [{ field: 'cursor', message: 'must be a nextCursor from a previous page' }],
    });
  }
  return { createdAt: match[1]!, id: match[2]! };
}

/** The first visitor message (role `user`), shortened on a character boundary. */
function previewOf(content: string | null): string | null {
  if (content === null) return null;
  const characters = Array.from(content.replace(/\s+/g, ' ').trim());
  return characters.length > PREVIEW_LENGTH
    ? `${characters.slice(0, PREVIEW_LENGTH).join('').trimEnd()}…`
    : characters.join('');
}

/** A page of the workspace's conversations, newest first, with their chatbot's name and a preview. */
export async function listConversations(
  db: Database,
  workspaceId: string,
  filter: ConversationFilter,
): Promise<{ conversations: ConversationSummary[]; nextCursor: string | null }> {
  const conditions: SQL[] = [eq(conversations.workspaceId, workspaceId)];
  if (filter.chatbotId) conditions.push(eq(conversations.chatbotId, filter.chatbotId));
  if (filter.from) conditions.push(gte(conversations.createdAt, filter.from));
  if (filter.to) conditions.push(lt(conversations.createdAt, filter.to));
  if (filter.cursor) {
    const after = decodeCursor(filter.cursor);
    conditions.push(
      sql`(${conversations.createdAt}, ${conversations.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const rows = await db
    .select({
      id: conversations.id,
      chatbotId: conversations.chatbotId,
      chatbotName: chatbots.name,
      createdAt: conversations.createdAt,
      updatedAt: conversations.updatedAt,
      createdAtText,
      // One pass over the conversation's messages; the cost as text, so JSON never makes it a float.
      totals: sql<ConversationTotals>`(
        select json_build_object('messageCount', count(*),
          'inputTokens', coalesce(sum(${messages.inputTokens}), 0),
          'outputTokens', coalesce(sum(${messages.outputTokens}), 0),
          'cacheReadTokens', coalesce(sum(${messages.cacheReadTokens}), 0),
          'cacheWriteTokens', coalesce(sum(${messages.cacheWriteTokens}), 0),
          'costUsd', trim_scale(sum(${messages.costUsd}))::text)
        from ${messages}
        where ${messages.conversationId} = ${conversations.id} and ${messages.workspaceId} = ${workspaceId}
      )`,
      firstVisitorMessage: sql<string | null>`(
        select left(${messages.content}, ${PREVIEW_LENGTH * 4}) from ${messages}
        where ${messages.conversationId} = ${conversations.id} and ${messages.workspaceId} = ${workspaceId}
          and ${messages.role} = 'user'
        order by ${messages.createdAt}, ${messages.id} limit 1
      )`,
    })
    .from(conversations)
    .innerJoin(
      chatbots,
      and(eq(chatbots.id, conversations.chatbotId), eq(chatbots.workspaceId, conversations.workspaceId)),
    )
    .where(and(...conditions))
    .orderBy(desc(conversations.createdAt), desc(conversations.id))
    .limit(filter.limit + 1);

  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    conversations: page.map((row) => ({
      id: row.id,
      chatbotId: row.chatbotId,
      chatbotName: row.chatbotName,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      ...row.totals,
      preview: previewOf(row.firstVisitorMessage),
    })),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.createdAtText, last.id) : null,
  };
}

/**
 * One conversation with every message, oldest first. A visitor message and the answer started in the
 * same transaction share a timestamp; the visitor's comes first.
 */
export async function findConversation(
  db: Database,
  workspaceId: string,
  conversationId: string,
): Promise<ConversationDetail> {
  const [conversation] = await db
    .select({
      id: conversations.id,
      chatbotId: conversations.chatbotId,
      chatbotName: chatbots.name,
      createdAt: conversations.createdAt,
    })
    .from(conversations)
    .innerJoin(
      chatbots,
      and(eq(chatbots.id, conversations.chatbotId), eq(chatbots.workspaceId, conversations.workspaceId)),
    )
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)))
    .limit(1);
  if (!conversation) throw notFound('The conversation');
  const rows = await db
    .select({
      id: messages.id,
      role: messages.role,
      content: messages.content,
      status: messages.status,
      provider: messages.provider,
      model: messages.model,
      keySource: messages.keySource,
      maskedKey: messages.maskedKey,
      fallbackFrom: messages.fallbackFrom,
      inputTokens: messages.inputTokens,
      outputTokens: messages.outputTokens,
      cacheReadTokens: messages.cacheReadTokens,
      cacheWriteTokens: messages.cacheWriteTokens,
      costUsd: sql<string | null>`trim_scale(${messages.costUsd})::text`,
      timeToFirstTokenMs: messages.timeToFirstTokenMs,
      durationMs: messages.durationMs,
      sources: sql<Array<{ sourceId: string; title: string }>>`coalesce(${messages.sources}, '[]'::jsonb)`,
      rating: messages.rating,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.conversationId, conversationId)))
    .orderBy(asc(messages.createdAt), sql`${messages.role} = 'assistant'`, asc(messages.id));
  return { ...conversation, messages: rows.map((row) => ({ ...row, rating: toRating(row.rating) })) };
}
