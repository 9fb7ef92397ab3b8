/**
 * Storing an assistant reply's outcome — with its cost at the price in force now, added to its day's
 * usage, and, when a key of its scope answered it, moving that key's "last used" and clearing its last error —
 * in one statement: one database round trip after each reply. The row itself was created as `streaming`
 * with the visitor's message (turn-context.ts); this fills it in.
 *
 * The final write may be retried after a failure whose commit was not seen; the day's usage counts a reply
 * only when this statement is the one that ends its `streaming` state, so a retry never counts it twice.
 * `lastUsedAt` is written at most once per interval per key, not on every message.
 */
import type { Database } from '../db/connect.js';
import { namedStatement } from '../db/named-statement.js';
import type { MessageKeySource, ProviderId } from '../db/schema.js';
import { keySubject, type BudgetCrossing } from '../money/budgets.js';
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
  keySource: MessageKeySource | null;
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
  /** The candidate that failed first when the owner's fallback moved the reply on. */
  fallbackFrom: { provider: ProviderId; code: string } | null;
}

// $1–$14 the reply, $15–$18 the key's "last used", $19–$21 cache tokens and chatbot, $22–$25 the shipped
// price (null when BestAI has none; a workspace price wins), $26 the knowledge sources used,
// $27 `fallback_from`, $28 the key's chatbot (null for a workspace key), $29 the key row's spend subject
// (null for the platform key). The cost is added to this month's spend of the chatbot and of the key row,
// and the budget thresholds (50/80/100 %) that this reply went over are returned: the row lock of the
// spend's upsert orders concurrent replies, so each threshold is crossed by exactly one of them.
const updateReplyAndMarkKeyUsed = namedStatement<{
  cost_usd: string | null;
  crossings: BudgetCrossing[] | null;
}>(
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
        sources = $26::jsonb, fallback_from = $27::jsonb, updated_at = now()
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
    spend as (
      insert into spend_months as spend (workspace_id, month, subject, spent_usd)
      select $3::uuid, date_trunc('month', before.created_at at time zone 'UTC')::date, subject.name, cost.usd
      from before, cost, (values ('chatbot:' || $21::text), ($29::text)) as subject(name)
      where before.status = 'streaming' and subject.name is not null and cost.usd > 0
      on conflict (workspace_id, month, subject) do update set spent_usd = spend.spent_usd + excluded.spent_usd
      returning spend.subject, spend.month, spend.spent_usd
    ),
    budget as (
      select 'chatbot:' || id::text as subject, monthly_budget_usd as usd, name as label
      from chatbots where id = $21::uuid and workspace_id = $3::uuid and monthly_budget_usd is not null
      union all
      select $29::text, monthly_budget_usd, $6::text
      from llm_keys
      where $29::text is not null and workspace_id = $3::uuid and provider = $6::text
        and chatbot_id is not distinct from (case when $7::text = 'chatbot' then $21::uuid end)
        and monthly_budget_usd is not null
    ),
    key_used as (
      update llm_keys
      set last_used_at = $15::timestamptz, last_error_code = null, last_error_message = null, last_error_at = null
      where $16::boolean
        and workspace_id = $3::uuid and chatbot_id is not distinct from $28::uuid and provider = $17::text
        and (last_used_at is null or last_error_code is not null or last_used_at < $18::timestamptz)
    )
    select (select usd::text from cost) as cost_usd,
      (select json_agg(json_build_object('subject', spend.subject, 'month', to_char(spend.month, 'YYYY-MM'),
          'percent', threshold, 'spentUsd', trim_scale(spend.spent_usd)::text,
          'budgetUsd', trim_scale(budget.usd)::text, 'label', budget.label))
        from spend
        join budget on budget.subject = spend.subject
        cross join unnest(array[50, 80, 100]) threshold
        where spend.spent_usd - (select usd from cost) < budget.usd * threshold / 100
          and spend.spent_usd >= budget.usd * threshold / 100) as crossings`,
);

/**
 * Stores the reply; resolves to its cost in US dollars (null when no price or no usage is known) and the
 * budget thresholds it crossed.
 */
export async function storeReply(
  db: Database,
  reply: ReplyRecord,
  keyUsed?: { chatbotId: string | null; provider: ProviderId; at: Date },
): Promise<{ costUsd: string | null; crossings: BudgetCrossing[] }> {
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
    reply.fallbackFrom === null ? null : JSON.stringify(reply.fallbackFrom),
    keyUsed?.chatbotId ?? null,
    spendSubjectOfKey(reply),
  ]);
  return { costUsd: row?.cost_usd ?? null, crossings: row?.crossings ?? [] };
}

/** The spend subject of the key row that answered: the workspace's or the chatbot's own; none for the platform key. */
function spendSubjectOfKey(reply: ReplyRecord): string | null {
  if (!reply.provider) return null;
  if (reply.keySource === 'workspace') return keySubject(null, reply.provider);
  if (reply.keySource === 'chatbot') return keySubject(reply.chatbotId, reply.provider);
  return null;
}
