/**
 * Raising an alert: stored once per workspace and dedupe key, whatever instance raises it and however
 * often, and — in the same transaction — a job that mails it to the workspace's owner and admins.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { alerts, type alertKinds, type alertSeverities } from '../db/schema.js';
import { enqueueJob } from '../jobs/job-queue.js';
import { scrubKeyMaterial } from '../vault/index.js';

export type AlertKind = (typeof alertKinds)[number];
export type AlertSeverity = (typeof alertSeverities)[number];

/** The job kind that mails a new alert to the workspace's owner and admins. */
export const ALERT_MAIL_JOB = 'alert.mail';

export interface NewAlert {
  workspaceId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** One line: what happened ("Your OpenAI key is failing"). */
  title: string;
  /**
   * Sentences for a person: what happened, what visitors see meanwhile, and what fixes it. Plain text;
   * never a key, token or password (key-shaped text is cut out anyway).
   */
  body: string;
  /** The admin path of the one click that fixes it, e.g. `/integrations/llm`. */
  link?: string;
  /**
   * What makes two raises the same alert: kind + subject + incident or period, e.g.
   * `budget.threshold:key:workspace:openai:2026-12:80` or `key.failing:workspace:openai:<incident id>`.
   */
  dedupeKey: string;
}

/**
 * Raises an alert unless one with the same `dedupeKey` exists in the workspace; returns its id when new,
 * `null` when it was already raised (by this or another instance). Pass a transaction as `db` to raise it
 * only if that transaction commits. Mail goes out later through the job queue, never in the caller's time.
 *
 * @example
 * await raiseAlert(db, {
 *   workspaceId,
 *   kind: 'budget.threshold',
 *   severity: 'warning',
 *   title: 'Your OpenAI key has used 80 % of its monthly budget',
 *   body: 'It has spent $40.00 of $50.00 this month. At 100 % it pauses and visitors see your paused message.',
 *   link: '/integrations/llm',
 *   dedupeKey: `budget.threshold:key:workspace:openai:${month}:80`,
 * });
 */
export async function raiseAlert(db: Database, alert: NewAlert): Promise<string | null> {
  return db.transaction(async (transaction) => {
    const [inserted] = await transaction
      .insert(alerts)
      .values({
        id: crypto.randomUUID(),
        workspaceId: alert.workspaceId,
        kind: alert.kind,
        severity: alert.severity,
        title: scrubKeyMaterial(alert.title, []),
        body: scrubKeyMaterial(alert.body, []),
        link: alert.link ?? null,
        dedupeKey: alert.dedupeKey,
        createdAt: sql`now()`,
      })
      .onConflictDoNothing({ target: [alerts.workspaceId, alerts.dedupeKey] })
      .returning({ id: alerts.id });
    if (!inserted) return null;
    await enqueueJob(transaction, {
      kind: ALERT_MAIL_JOB,
      payload: { alertId: inserted.id },
      dedupeKey: `${ALERT_MAIL_JOB}:${inserted.id}`,
    });
    return inserted.id;
  });
}
