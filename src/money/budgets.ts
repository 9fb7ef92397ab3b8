/**
 * Monthly budgets of key rows and chatbots. What each has spent this calendar month (UTC) is kept in
 * `spend_months` by the statement that stores each reply (reply-store.ts); the check before a provider
 * call reads it in the statement that already runs then (turn-context.ts). This module names the
 * subjects, reads the spend for the admin, and raises the 50/80/100 % alerts.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { raiseAlert } from '../alerts/raise-alert.js';
import type { Database } from '../db/connect.js';
import { spendMonths } from '../db/schema.js';
import { isProviderId, providerNameOf } from '../llm/provider-table.js';
import { thresholdsReached } from './usd.js';

export const BUDGET_THRESHOLDS = [50, 80, 100] as const;

/**
 * The spend subject of a key row: its scope and provider — `key:workspace:<provider>` for a workspace
 * key, `key:chatbot:<chatbot id>:<provider>` for a chatbot's own key (turn-context.ts builds the same).
 */
export function keySubject(chatbotId: string | null, provider: string): string {
  return chatbotId === null ? `key:workspace:${provider}` : `key:chatbot:${chatbotId}:${provider}`;
}

export function chatbotSubject(chatbotId: string): string {
  return `chatbot:${chatbotId}`;
}

/** `YYYY-MM-01` of the calendar month (UTC) of `at`. */
export function monthOf(at: Date): string {
  return `${at.toISOString().slice(0, 7)}-01`;
}

/** This month's spend of each subject, as decimal strings; absent subjects have spent nothing. */
export async function readMonthSpend(
  db: Database,
  workspaceId: string,
  subjects: readonly string[],
  now: Date = new Date(),
): Promise<Map<string, string>> {
  if (subjects.length === 0) return new Map();
  const rows = await db
    .select({
      subject: spendMonths.subject,
      spentUsd: sql<string>`trim_scale(${spendMonths.spentUsd})::text`,
    })
    .from(spendMonths)
    .where(
      and(
        eq(spendMonths.workspaceId, workspaceId),
        eq(spendMonths.month, monthOf(now)),
        inArray(spendMonths.subject, [...subjects]),
      ),
    );
  return new Map(rows.map((row) => [row.subject, row.spentUsd]));
}

/** A threshold a subject's spend went over with one reply (reply-store.ts computes them in SQL). */
export interface BudgetCrossing {
  subject: string;
  /** `YYYY-MM`. */
  month: string;
  percent: (typeof BUDGET_THRESHOLDS)[number];
  spentUsd: string;
  budgetUsd: string;
  /** The chatbot's name, or the key's provider (its id or display name). */
  label: string;
}

/** Where the admin sets the subject's budget: the workspace's keys, or the chatbot (its own keys too). */
function linkOf(subject: string): string {
  if (subject.startsWith('key:workspace:')) return '/integrations/llm';
  const chatbotId = subject.startsWith('key:chatbot:')
    ? subject.slice('key:chatbot:'.length).split(':')[0]!
    : subject.slice('chatbot:'.length);
  return `/chatbots/${chatbotId}`;
}

const severities = { 50: 'info', 80: 'warning', 100: 'critical' } as const;

/**
 * Raises one `budget.threshold` alert per crossing; each is raised once per subject, month and threshold,
 * whatever instance or reply crosses it (the alert's dedupe key).
 */
export async function raiseBudgetAlerts(
  db: Database,
  workspaceId: string,
  crossings: readonly BudgetCrossing[],
): Promise<void> {
  for (const crossing of crossings) {
    const isKey = crossing.subject.startsWith('key:');
    const provider = isProviderId(crossing.label) ? providerNameOf(crossing.label) : crossing.label;
    const who = isKey ? `Your ${provider} key` : `The chatbot “${crossing.label}”`;
    const atLimit = crossing.percent === 100;
    await raiseAlert(db, {
      workspaceId,
      kind: 'budget.threshold',
      severity: severities[crossing.percent],
      title: `${who} has used ${crossing.percent} % of its monthly budget`,
      body:
        `It has spent $${crossing.spentUsd} of $${crossing.budgetUsd} in ${crossing.month}. ` +
        (atLimit
          ? isKey
            ? 'It is paused: messages that would use it fail at once, and visitors see your paused message. Raise the budget to resume.'
            : 'It answers nothing until next month: visitors see its paused message. Raise the budget to resume.'
          : 'At 100 % it pauses and visitors see the paused message.'),
      link: linkOf(crossing.subject),
      dedupeKey: `budget.threshold:${crossing.subject}:${crossing.month}:${crossing.percent}`,
    });
  }
}

/**
 * After a budget is set: the thresholds its subject's spend has already reached are alerted now (a budget
 * lowered below this month's spend pauses at once, and says so). Already raised ones are not repeated.
 */
export async function raiseReachedThresholds(
  db: Database,
  workspaceId: string,
  state: { subject: string; label: string; spentUsd: string; budgetUsd: string },
  now: Date = new Date(),
): Promise<void> {
  const reached = thresholdsReached(state.spentUsd, state.budgetUsd, BUDGET_THRESHOLDS);
  await raiseBudgetAlerts(
    db,
    workspaceId,
    reached.map((percent) => ({
      ...state,
      month: monthOf(now).slice(0, 7),
      percent: percent as BudgetCrossing['percent'],
    })),
  );
}
