/**
 * Everything a reply needs before the provider is called, in one database round trip (the gateway's cost
 * is dominated by round trips): store the visitor's message, read the recent history and the workspace's
 * key rows. All parts of one statement see the same snapshot, so the history never contains the message
 * stored by the same statement.
 *
 * A Retry after a failed reply sends the same text again. It is recognised here — the conversation ends
 * with that very question and a failed, empty reply — and not stored twice, so the history (and the
 * model) sees the question once.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import type { ProviderId } from '../db/schema.js';
import type { WorkspaceKeyRow } from '../llm/resolve.js';
import type { ChatMessage } from '../llm/providers/provider-types.js';
import { HISTORY_MAX_MESSAGES } from './chat-history.js';

export interface VisitorMessageInput {
  id: string;
  conversationId: string;
  workspaceId: string;
  content: string;
  createdAt: Date;
}

export interface TurnContext {
  /** False when the message retried the last, failed question and was not stored again. */
  isStored: boolean;
  /** Previous messages with text, oldest first (without the new one). */
  history: ChatMessage[];
  keyRows: WorkspaceKeyRow[];
}

interface ContextRow {
  stored: number | string;
  history: Array<{ role: 'user' | 'assistant'; content: string }> | string | null;
  keys:
    | Array<{
        provider: ProviderId;
        enabled: boolean;
        ciphertext: string;
        model: string | null;
        masked_key: string;
      }>
    | string
    | null;
}

/** JSON columns arrive parsed from `pg` and PGlite alike; a string is parsed here just in case. */
const parsed = <T>(value: T | string | null): T | null =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;

export async function storeMessageAndLoadContext(
  db: Database,
  message: VisitorMessageInput,
): Promise<TurnContext> {
  const { id, conversationId, workspaceId, content, createdAt } = message;
  const result = (await db.execute(sql`
    with retried_question as (
      select 1
      from messages reply
      join messages question
        on question.conversation_id = reply.conversation_id
       and question.role = 'user'
       and question.content = ${content}
       and question.created_at < reply.created_at
      where reply.conversation_id = ${conversationId}
        and reply.role = 'assistant' and reply.status = 'failed' and reply.content = ''
        and not exists (
          select 1 from messages later
          where later.conversation_id = reply.conversation_id and later.created_at > reply.created_at
        )
        and not exists (
          select 1 from messages between_them
          where between_them.conversation_id = reply.conversation_id
            and between_them.created_at > question.created_at and between_them.created_at < reply.created_at
        )
    ),
    stored as (
      insert into messages (id, conversation_id, workspace_id, role, content, status, created_at)
      select ${id}, ${conversationId}, ${workspaceId}, 'user', ${content}, 'complete', ${createdAt.toISOString()}
      where not exists (select 1 from retried_question)
      returning id
    ),
    recent as (
      select role, content, created_at
      from messages
      where conversation_id = ${conversationId} and workspace_id = ${workspaceId}
        and status <> 'failed' and content <> ''
      order by created_at desc
      limit ${HISTORY_MAX_MESSAGES}
    )
    select
      (select count(*) from stored) as stored,
      (select json_agg(json_build_object('role', role, 'content', content) order by created_at) from recent) as history,
      (select json_agg(json_build_object(
          'provider', provider, 'enabled', enabled, 'ciphertext', ciphertext, 'model', model, 'masked_key', masked_key))
        from llm_keys where workspace_id = ${workspaceId}) as keys
  `)) as unknown as { rows: ContextRow[] };
  const row = result.rows[0]!;
  return {
    isStored: Number(row.stored) === 1,
    history: parsed(row.history) ?? [],
    keyRows: (parsed(row.keys) ?? []).map((key) => ({
      provider: key.provider,
      enabled: key.enabled,
      ciphertext: key.ciphertext,
      model: key.model,
      maskedKey: key.masked_key,
    })),
  };
}
