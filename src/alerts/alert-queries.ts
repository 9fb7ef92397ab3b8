/** The admin's view of alerts: a workspace's newest alerts with this user's read marks, and marking read. */
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { notFound } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { alertReads, alerts } from '../db/schema.js';
import { isUuid } from '../db/ids.js';

export interface AlertView {
  id: string;
  at: Date;
  kind: string;
  severity: string;
  title: string;
  body: string;
  link: string | null;
  readAt: Date | null;
}

const LIST_LIMIT = 100;

/** The newest alerts of a workspace (at most 100) and how many this user has not read. */
export async function listAlerts(
  db: Database,
  target: { workspaceId: string; userId: string },
): Promise<{ alerts: AlertView[]; unread: number }> {
  const readByUser = and(eq(alertReads.alertId, alerts.id), eq(alertReads.userId, target.userId));
  const [rows, [unread]] = await Promise.all([
    db
      .select({
        id: alerts.id,
        at: alerts.createdAt,
        kind: alerts.kind,
        severity: alerts.severity,
        title: alerts.title,
        body: alerts.body,
        link: alerts.link,
        readAt: alertReads.readAt,
      })
      .from(alerts)
      .leftJoin(alertReads, readByUser)
      .where(eq(alerts.workspaceId, target.workspaceId))
      .orderBy(desc(alerts.createdAt), desc(alerts.id))
      .limit(LIST_LIMIT),
    db
      .select({ value: count() })
      .from(alerts)
      .leftJoin(alertReads, readByUser)
      .where(and(eq(alerts.workspaceId, target.workspaceId), isNull(alertReads.alertId))),
  ]);
  return { alerts: rows, unread: unread?.value ?? 0 };
}

/** Marks one alert of the workspace read for this user; 404 for an alert that is not the workspace's. */
export async function markAlertRead(
  db: Database,
  target: { workspaceId: string; userId: string; alertId: string },
): Promise<void> {
  const [alert] = isUuid(target.alertId)
    ? await db
        .select({ id: alerts.id })
        .from(alerts)
        .where(and(eq(alerts.id, target.alertId), eq(alerts.workspaceId, target.workspaceId)))
    : [];
  if (!alert) throw notFound('The alert');
  await db
    .insert(alertReads)
    .values({ alertId: alert.id, userId: target.userId, readAt: sql`now()` })
    .onConflictDoNothing();
}
