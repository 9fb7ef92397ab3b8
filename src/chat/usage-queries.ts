/**
 * Token usage of a workspace, from its assistant messages: by UTC day, provider and key (the platform key,
 * or the workspace's own key by its mask, which survives the key's deletion). Only messages that reached
 * a provider count. The SQL runs unchanged on PostgreSQL 15 and PGlite.
 */
import { and, asc, count, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import { AppError } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { messages } from '../db/schema.js';

export const DEFAULT_USAGE_DAYS = 30;
export const MAX_USAGE_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

export type KeySource = 'platform' | 'workspace';

interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  messages: number;
}

export interface UsageDay extends TokenCounts {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  provider: string;
  keySource: KeySource;
  /** The workspace key's mask; null for the platform key. */
  maskedKey: string | null;
}

export interface UsageReport {
  from: string;
  to: string;
  /** Only days with usage, oldest first. */
  days: UsageDay[];
  totals: {
    byProvider: Array<TokenCounts & { provider: string }>;
    byKey: Array<TokenCounts & { provider: string; keySource: KeySource; maskedKey: string | null }>;
  };
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

const day = sql<string>`to_char(date_trunc('day', ${messages.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`;
/** A mask is only ever reported for the workspace's own key. */
const maskedKey = sql<
  string | null
>`case when ${messages.keySource} = 'workspace' then ${messages.maskedKey} end`;

function sumInto<T extends TokenCounts>(
  totals: Map<string, T>,
  key: string,
  empty: () => T,
  row: TokenCounts,
): void {
  const total = totals.get(key) ?? empty();
  total.inputTokens += row.inputTokens;
  total.outputTokens += row.outputTokens;
  total.messages += row.messages;
  totals.set(key, total);
}

/** Usage per day, provider and key between two UTC days (both included), with totals. */
export async function summarizeUsage(
  db: Database,
  workspaceId: string,
  period: { from: string; to: string },
): Promise<UsageReport> {
  const rows = await db
    .select({
      day,
      provider: messages.provider,
      keySource: messages.keySource,
      maskedKey,
      inputTokens: sql<string | number>`coalesce(sum(${messages.inputTokens}), 0)`,
      outputTokens: sql<string | number>`coalesce(sum(${messages.outputTokens}), 0)`,
      messages: count(),
    })
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(messages.role, 'assistant'),
        isNotNull(messages.provider),
        isNotNull(messages.keySource),
        gte(messages.createdAt, startOfDay(period.from)),
        lt(messages.createdAt, new Date(startOfDay(period.to).getTime() + DAY_MS)),
      ),
    )
    .groupBy(day, messages.provider, messages.keySource, maskedKey)
    .orderBy(asc(day), asc(messages.provider), asc(messages.keySource), sql`${maskedKey} nulls first`);

  const days: UsageDay[] = rows.map((row) => ({
    day: row.day,
    provider: row.provider!,
    keySource: row.keySource!,
    maskedKey: row.maskedKey,
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    messages: Number(row.messages),
  }));

  const byProvider = new Map<string, UsageReport['totals']['byProvider'][number]>();
  const byKey = new Map<string, UsageReport['totals']['byKey'][number]>();
  for (const row of days) {
    const zero = { inputTokens: 0, outputTokens: 0, messages: 0 };
    sumInto(byProvider, row.provider, () => ({ provider: row.provider, ...zero }), row);
    sumInto(
      byKey,
      JSON.stringify([row.provider, row.keySource, row.maskedKey]),
      () => ({ provider: row.provider, keySource: row.keySource, maskedKey: row.maskedKey, ...zero }),
      row,
    );
  }
  const compare = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);
  return {
    ...period,
    days,
    totals: {
      byProvider: [...byProvider.values()].sort((left, right) => compare(left.provider, right.provider)),
      byKey: [...byKey.values()].sort(
        (left, right) =>
          compare(left.provider, right.provider) ||
          compare(left.keySource, right.keySource) ||
          compare(left.maskedKey ?? '', right.maskedKey ?? ''),
      ),
    },
  };
}
