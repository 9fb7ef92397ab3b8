/**
 * The workspace audit log: append-only. Entries name the provider and the masked key, never a key.
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { auditLog } from '../db/schema.js';

export const auditActions = [
  'llm_key.added',
  'llm_key.replaced',
  'llm_key.disabled',
  'llm_key.enabled',
  'llm_key.deleted',
  'llm_key.model_changed',
  'llm_key.budget_changed',
  'llm_key.tested',
  'llm_settings.changed',
  'member.invited',
  'member.joined',
  'member.invitation_revoked',
  'member.role_changed',
  'member.removed',
  'chatbot.created',
  'chatbot.updated',
  'chatbot.deleted',
  'knowledge_source.added',
  'knowledge_source.deleted',
  'price.set',
  'price.removed',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who did it, from where. */
export interface AuditActor {
  userId: string;
  email: string;
  ip?: string;
  userAgent?: string;
}

export interface AuditEntryInput {
  workspaceId: string;
  actor: AuditActor;
  action: AuditAction;
  provider?: string | null;
  maskedKey?: string | null;
  /** Non-secret context: before/after of model and enabled, the member or chatbot concerned. */
  details?: Record<string, unknown>;
}

export async function recordAuditEntry(db: Database, entry: AuditEntryInput): Promise<void> {
  await db.insert(auditLog).values({
    workspaceId: entry.workspaceId,
    actorId: entry.actor.userId,
    actorEmail: entry.actor.email,
    ip: entry.actor.ip ?? null,
    userAgent: entry.actor.userAgent?.slice(0, 512) ?? null,
    action: entry.action,
    provider: entry.provider ?? null,
    maskedKey: entry.maskedKey ?? null,
    details: entry.details ?? null,
  });
}

export interface AuditEntryView {
  id: string;
  at: Date;
  actor: { id: string | null; email: string | null };
  action: string;
  provider: string | null;
  maskedKey: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

/** Newest first. `cursor` is the id of the last entry of the previous page. */
export async function listAuditEntries(
  db: Database,
  workspaceId: string,
  page: { cursor?: number; limit: number },
): Promise<{ entries: AuditEntryView[]; nextCursor: string | null }> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      page.cursor === undefined
        ? eq(auditLog.workspaceId, workspaceId)
        : and(eq(auditLog.workspaceId, workspaceId), lt(auditLog.id, page.cursor)),
    )
    .orderBy(desc(auditLog.id))
    .limit(page.limit + 1);
  const entries = rows.slice(0, page.limit).map((row) => ({
    id: String(row.id),
    at: row.at,
    actor: { id: row.actorId, email: row.actorEmail },
    action: row.action,
    provider: row.provider,
    maskedKey: row.maskedKey,
    ip: row.ip,
    userAgent: row.userAgent,
    details: row.details ?? null,
  }));
  return { entries, nextCursor: rows.length > page.limit ? entries.at(-1)!.id : null };
}
