/**
 * Storing an assistant reply's outcome — and, when a workspace key answered it, moving that key's "last
 * used" and clearing its last error — in one statement: one database round trip after each reply. The row
 * itself was created as `streaming` with the visitor's message (turn-context.ts); this fills it in.
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
}

const updateReplyAndMarkKeyUsed = namedStatement(
  'bestai_store_reply',
  `with reply as (
      update messages
      set content = $4, status = $5, provider = $6, key_source = $7, masked_key = $8, model = $9,
        input_tokens = $10, output_tokens = $11, time_to_first_token_ms = $12, duration_ms = $13,
        error_code = $14, updated_at = now()
      where id = $1::uuid and conversation_id = $2::uuid
      returning id
    )
    update llm_keys
    set last_used_at = $15::timestamptz, last_error_code = null, last_error_message = null, last_error_at = null
    where $16::boolean
      and workspace_id = $3::uuid and provider = $17::text
      and (last_used_at is null or last_error_code is not null or last_used_at < $18::timestamptz)`,
);

export async function storeReply(
  db: Database,
  reply: ReplyRecord,
  keyUsed?: { provider: ProviderId; at: Date },
): Promise<void> {
  const at = keyUsed?.at ?? new Date();
  const staleBefore = new Date(at.getTime() - LAST_USED_WRITE_INTERVAL_MS);
  await updateReplyAndMarkKeyUsed(db, [
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
    at.toISOString(),
    keyUsed !== undefined,
    keyUsed?.provider ?? '',
    staleBefore.toISOString(),
  ]);
}
