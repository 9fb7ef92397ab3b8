/**
 * Usage in money: messages, failures, tokens and cost of a workspace between two UTC days, grouped by
 * day, provider, key, chatbot or model, with the period's totals. It reads the daily rollup
 * (`usage_days`, kept by the statement that stores each reply), never the messages, so a long period
 * costs days × groups rows, not messages. Sums are exact `numeric`, sent as decimal strings.
 */
import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../app-error.js';
import type { Database } from '../db/connect.js';
import type { keySources } from '../db/schema.js';

export const usageGroupings = ['day', 'provider', 'key', 'chatbot', 'model'] as const;
export type UsageGrouping = (typeof usageGroupings)[number];

export const DEFAULT_USAGE_DAYS = 30;
export const MAX_USAGE_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface UsageCounts {
  messages: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** US dollars, a decimal string. Replies without a known price add nothing; see `unpriced`. */
  costUsd: string;
  /** What the cache reads would have cost at the input price, less what they cost. */
  savedByCachingUsd: string;
  /** Replies with tokens but no known price. */
  unpriced: number;
}

/** The parts of a row that name its group; only those of the requested grouping are set. */
export interface UsageGroup {
  day?: string;
  provider?: string;
  keySource?: (typeof keySources)[number];
  /** The key's mask; null for the platform key. */
  maskedKey?: string | null;
  chatbotId?: string | null;
  chatbotName?: string | null;
  model?: string;
}

export type UsageRow = UsageGroup & UsageCounts;

export interface UsageReport {
  from: string;
  to: string;
  groupBy: UsageGrouping;
  rows: UsageRow[];
  totals: UsageCounts;
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const startOfDay = (day: string) => new Date(`${day}T00:00:00Z`);

function invalidRange(field: 'from' | 'to', message: string): AppError {
  return new AppError('invalid_request', { message, details: [{ field, message }] });
}

/**
 * The days a report covers, both included. Defaults: `to` today (UTC), `from` 29 days before `to`.
 * Refuses `from` after `to` and periods longer than 366 days.
 */
export function resolveUsagePeriod(
  requested: { from?: string; to?: string },
  now: Date = new Date(),
): { from: string; to: string } {
  const to = requested.to ?? dayOf(now);
  const from =
    requested.from ?? dayOf(new Date(startOfDay(to).getTime() - (DEFAULT_USAGE_DAYS - 1) * DAY_MS));
  if (from > to) throw invalidRange('from', 'must be on or before to');
  const days = (startOfDay(to).getTime() - startOfDay(from).getTime()) / DAY_MS + 1;
  if (days > MAX_USAGE_DAYS) throw invalidRange('from', `the period must be at most ${MAX_USAGE_DAYS} days`);
  return { from, to };
}

/**
 * The columns each grouping reads and orders by. A chatbot's own key is a different key from the
 * workspace's with the same mask, so a key is its source, its mask and, for chatbot keys, the chatbot.
 */
const groupColumns: Record<UsageGrouping, Array<[name: keyof UsageGroup, expression: string]>> = {
  day: [['day', `to_char(u.day, 'YYYY-MM-DD')`]],
  provider: [['provider', 'u.provider']],
  key: [
    ['provider', 'u.provider'],
    ['keySource', 'u.key_source'],
    ['maskedKey', `nullif(u.masked_key, '')`],
    ['chatbotId', `case when u.key_source = 'chatbot' then u.chatbot_id::text end`],
    ['chatbotName', `case when u.key_source = 'chatbot' then c.name end`],
  ],
  chatbot: [
    ['chatbotId', 'u.chatbot_id::text'],
    ['chatbotName', 'c.name'],
  ],
  model: [
    ['provider', 'u.provider'],
    ['model', 'u.model'],
  ],
};

interface ReportRow extends Record<string, unknown> {
  is_total: boolean;
  messages: string | number;
  failed: string | number;
  input_tokens: string | number;
  output_tokens: string | number;
  cache_read_tokens: string | number;
  cache_write_tokens: string | number;
  cost_usd: string;
  saved_by_caching_usd: string;
  unpriced: string | number;
}

function countsOf(row: ReportRow): UsageCounts {
  return {
    messages: Number(row.messages),
    failed: Number(row.failed),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    costUsd: row.cost_usd,
    savedByCachingUsd: row.saved_by_caching_usd,
    unpriced: Number(row.unpriced),
  };
}

const emptyCounts: UsageCounts = {
  messages: 0,
  failed: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: '0',
  savedByCachingUsd: '0',
  unpriced: 0,
};

/**
 * One statement: the groups and, through `grouping sets`, the period's total as one more row.
 * Groups are ordered by their columns (days oldest first); `chatbotId` narrows to one chatbot.
 */
export async function summarizeUsage(
  db: Database,
  workspaceId: string,
  request: { from: string; to: string; groupBy: UsageGrouping; chatbotId?: string },
): Promise<UsageReport> {
  const columns = groupColumns[request.groupBy];
  const named = columns.map(([name, expression]) => `${expression} as "${name}"`).join(', ');
  const grouped = columns.map(([, expression]) => expression).join(', ');
  const chatbotFilter: SQL = request.chatbotId ? sql`and u.chatbot_id = ${request.chatbotId}::uuid` : sql``;
  const result = (await db.execute(sql`
    select ${sql.raw(named)}, grouping(${sql.raw(columns[0]![1])}) = 1 as is_total,
      coalesce(sum(u.messages), 0) as messages, coalesce(sum(u.failed), 0) as failed,
      coalesce(sum(u.input_tokens), 0) as input_tokens, coalesce(sum(u.output_tokens), 0) as output_tokens,
      coalesce(sum(u.cache_read_tokens), 0) as cache_read_tokens,
      coalesce(sum(u.cache_write_tokens), 0) as cache_write_tokens,
      coalesce(trim_scale(sum(u.cost_usd)), 0)::text as cost_usd,
      coalesce(trim_scale(sum(u.saved_by_caching_usd)), 0)::text as saved_by_caching_usd,
      coalesce(sum(u.unpriced), 0) as unpriced
    from usage_days u
    left join chatbots c on c.id = u.chatbot_id and c.workspace_id = u.workspace_id
    where u.workspace_id = ${workspaceId}::uuid
      and u.day >= ${request.from}::date and u.day <= ${request.to}::date
      ${chatbotFilter}
    group by grouping sets ((${sql.raw(grouped)}), ())
    order by is_total, ${sql.raw(columns.map((_, index) => `${index + 1} nulls first`).join(', '))}`)) as unknown as {
    rows: ReportRow[];
  };
  const rows: UsageRow[] = [];
  let totals = emptyCounts;
  for (const row of result.rows) {
    if (row.is_total) {
      totals = countsOf(row);
      continue;
    }
    const group: UsageGroup = {};
    for (const [name] of columns) (group as Record<string, unknown>)[name] = row[name] ?? null;
    rows.push({ ...group, ...countsOf(row) });
  }
  return { from: request.from, to: request.to, groupBy: request.groupBy, rows, totals };
}
