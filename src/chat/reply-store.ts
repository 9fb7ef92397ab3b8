/**
 * Storing an assistant reply's outcome — with its cost at the price in force now, added to its day's
 * usage, and, when a workspace key answered it, moving that key's "last used" and clearing its last error —
 * in one statement: one database round trip after each reply. The row itself was created as `streaming`
 * with the visitor's message (turn-context.ts); this fills it in.
 *
 * The final write may be retried after a failure whose commit was not seen; the day's usage counts a reply
 * only when this statement is the one that ends its `streaming` state, so a retry never counts it twice.
 * `lastUsedAt` is written at most once per interval per key, not on every message.
 */
import type { Database } from '../db/connect.js';
import { namedStatement } from '../db/named-statement.js';
import type { ProviderId } from '../db/schema.js';
import { priceInForceSql, replyCostSql } from '../money/cost-sql.js';
import { findDefaultPrice } from '../money/default-prices.js';

/** How stale `lastUsedAt` may get. */
export const LAST_USED_WRITE_INTERVAL_MS = 5_000;

export interface ReplyRecord {
  id: string;
  conversationId: string;
  workspaceId: string;
  chatbotId: string;
  status: 'complete' | 'interrupted' | 'failed';
  content: string;
  provider: string | null;
  keySource: 'platform' | 'workspace' | 'chatbot' | null;
  maskedKey: string | null;
  model: string | null;
  /** All input tokens, cache reads and writes included. */
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  timeToFirstTokenMs: number | null;
  durationMs: number;
  errorCode: string | null;
  /** The knowledge sources whose passages went to the provider; none → null. */
  sources?: ReadonlyArray<{ sourceId: string; title: string }>;
}

// $1–$14 the reply, $15–$18 the key's "last used", $19–$21 cache tokens and chatbot, $22–$25 the shipped
// price (null when BestAI has none; a workspace price wins), $26 the knowledge sources used.
const updateReplyAndMarkKeyUsed = namedStatement<{ cost_usd: string | null }>(
  'bestai_store_reply',
  `with before as (
      select status, created_at from messages where id = $1::uuid and conversation_id = $2::uuid
    ),
    price as (${priceInForceSql({ workspaceId: '$3', provider: '$6', model: '$9', defaults: ['$22', '$23', '$24', '$25'] })}),
    cost as (${replyCostSql({ inputTokens: '$10', outputTokens: '$11', cacheReadTokens: '$19', cacheWriteTokens: '$20' })}),
    reply as (
      update messages
      set content = $4, status = $5, provider = $6, key_source = $7, masked_key = $8, model = $9,
        input_tokens = $10, output_tokens = $11, time_to_first_token_ms = $12, duration_ms = $13,
        error_code = $14, cache_read_tokens = $19, cache_write_tokens = $20, cost_usd = (select usd from cost),
        sources = $26::jsonb, updated_at = now()
      where id = $1::uuid and conversation_id = $2::uuid
      returning id
    ),
    usage_day as (
      insert into usage_days as day (
        workspace_id, day, chatbot_id, provider, key_source, masked_key, model, messages, failed,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, saved_by_caching_usd,
        unpriced)
      select $3::uuid, (before.created_at at time zone 'UTC')::date, $21::uuid, $6::text, $7::text,
        case when $7::text = 'platform' then '' else coalesce($8::text, '') end, coalesce($9::text, ''),
        1, ($5::text = 'failed')::int, coalesce($10::int, 0), coalesce($11::int, 0), coalesce($19::int, 0),
        coalesce($20::int, 0), coalesce((select usd from cost), 0), coalesce((select saved from cost), 0),
        (coalesce($10::int, 0)::bigint + coalesce($11::int, 0) > 0 and not exists (select 1 from cost))::int
      from before
      where before.status = 'streaming' and $6::text is not null and $7::text is not null
      on conflict (workspace_id, day, chatbot_id, provider, key_source, masked_key, model) do update set
        messages = day.messages + 1, failed = day.failed + excluded.failed,
        input_tokens = day.input_tokens + excluded.input_tokens,
        output_tokens = day.output_tokens + excluded.output_tokens,
        cache_read_tokens = day.cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = day.cache_write_tokens + excluded.cache_write_tokens,
        cost_usd = day.cost_usd + excluded.cost_usd,
        saved_by_caching_usd = day.saved_by_caching_usd + excluded.saved_by_caching_usd,
        unpriced = day.unpriced + excluded.unpriced
    ),
    key_used as (
      update llm_keys
      set last_used_at = $15::timestamptz, last_error_code = null, last_error_message = null, last_error_at = null
      where $16::boolean
        and workspace_id = $3::uuid and provider = $17::text
        and (last_used_at is null or last_error_code is not null or last_used_at < $18::timestamptz)
    )
    select (select usd::text from cost) as cost_usd`,
);

/** Stores the reply; resolves to its cost in US dollars (null when no price or no usage is known). */
export async function storeReply(
  db: Database,
  reply: ReplyRecord,
  keyUsed?: { provider: ProviderId; at: Date },
): Promise<{ costUsd: string | null }> {
  const at = keyUsed?.at ?? new Date();
  const staleBefore = new Date(at.getTime() - LAST_USED_WRITE_INTERVAL_MS);
  const price = reply.provider && reply.model ? findDefaultPrice(reply.provider, reply.model) : undefined;
  const [row] = await updateReplyAndMarkKeyUsed(db, [
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
    reply.cacheReadTokens,
    reply.cacheWriteTokens,
    reply.chatbotId,
    price?.inputPerMTok ?? null,
    price?.outputPerMTok ?? null,
    price?.cacheReadPerMTok ?? null,
    price?.cacheWritePerMTok ?? null,
    reply.sources?.length ? JSON.stringify(reply.sources) : null,
  ]);
  return { costUsd: row?.cost_usd ?? null };
}
