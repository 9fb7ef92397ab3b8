/**
 * Storing an assistant reply — and, when a workspace key answered it, moving that key's "last used" and
 * clearing its last error — in one statement: one database round trip after each reply.
 * `lastUsedAt` is written at most once per interval per key, not on every message.
 */
import type { Database } from '../db/connect.js';
import { namedStatement } from '../db/named-statement.js';
import type { ProviderId } from '../db/schema.js';

/** How stale `lastUsedAt` may get. */
export const LAST_USED_WRITE_INTERVAL_MS = 5_000;

export interface ReplyRecord {
  id: string;
  conversationId: string;
  workspaceId: string;
  status: 'complete' | 'interrupted' | 'failed';
  content: string;
  provider: string | null;
  keySource: 'platform' | 'workspace' | null;
  maskedKey: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  timeToFirstTokenMs: number | null;
  durationMs: number;
  errorCode: string | null;
  createdAt: Date;
}

const insertReplyAndMarkKeyUsed = namedStatement(
  'bestai_store_reply',
  `with reply as (
      insert into messages (
        id, conversation_id, workspace_id, role, content, status, provider, key_source, masked_key, model,
        input_tokens, output_tokens, time_to_first_token_ms, duration_ms, error_code, created_at)
      values ($1, $2, $3, 'assistant', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
      returning id
    )
    update llm_keys
    set last_used_at = $16::timestamptz, last_error_code = null, last_error_message = null, last_error_at = null
    where $17::boolean
      and workspace_id = $3::uuid and provider = $18::text
      and (last_used_at is null or last_error_code is not null or last_used_at < $19::timestamptz)`,
);

export async function storeReply(
  db: Database,
  reply: ReplyRecord,
  keyUsed?: { provider: ProviderId; at: Date },
): Promise<void> {
  const at = keyUsed?.at ?? new Date();
  const staleBefore = new Date(at.getTime() - LAST_USED_WRITE_INTERVAL_MS);
  await insertReplyAndMarkKeyUsed(db, [
    reply.id,
    reply.conversationId,
    reply.workspaceId,
    reply.content,
    reply.status,
    reply.provider,
    reply.keySource,
    reply.maskedKey,
    reply.model,
    reply.inputTokens,
    reply.outputTokens,
    reply.timeToFirstTokenMs,
    reply.durationMs,
    reply.errorCode,
    reply.createdAt.toISOString(),
    at.toISOString(),
    keyUsed !== undefined,
    keyUsed?.provider ?? '',
    staleBefore.toISOString(),
  ]);
}
