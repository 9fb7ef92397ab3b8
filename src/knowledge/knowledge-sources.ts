/**
 * A chatbot's knowledge sources: add (pasted text, a URL, an uploaded file), list, refresh and delete.
 * Adding or refreshing records the source as `indexing` and queues a `knowledge.index` job in the same
 * transaction; the job does the work in the background. Deleting removes the passages in the same statement (foreign-key cascade), so the next
 * answer no longer sees them. Every query filters by workspace and chatbot.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { notFound } from '../app-error.js';
import { recordAuditEntry, type AuditActor } from '../audit/audit-log.js';
import type { Database } from '../db/connect.js';
import { chatbots, knowledgeSources } from '../db/schema.js';
import { enqueueSourceIndexing } from './index-source-job.js';

type SourceRow = typeof knowledgeSources.$inferSelect;

export interface KnowledgeSourceView {
  id: string;
  kind: SourceRow['kind'];
  title: string;
  status: SourceRow['status'];
  error?: string;
  chunks: number;
  url: string | null;
  crawl: boolean;
  fileName: string | null;
  /** When its passages were last written. */
  indexedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewSource =
  | { kind: 'text'; title: string; content: string }
  | { kind: 'url'; url: string; crawl: boolean }
  | { kind: 'file'; fileName: string; data: Uint8Array };

/** Columns of the list; a file's bytes are not read for it. */
const viewColumns = {
  id: knowledgeSources.id,
  kind: knowledgeSources.kind,
  title: knowledgeSources.title,
  status: knowledgeSources.status,
  error: knowledgeSources.error,
  chunks: knowledgeSources.chunks,
  url: knowledgeSources.url,
  crawl: knowledgeSources.crawl,
  fileName: knowledgeSources.fileName,
  indexedAt: knowledgeSources.indexedAt,
  createdAt: knowledgeSources.createdAt,
  updatedAt: knowledgeSources.updatedAt,
};

type ViewRow = { [K in keyof typeof viewColumns]: SourceRow[K] };

function toView(row: ViewRow): KnowledgeSourceView {
  const { error, ...rest } = row;
  return error ? { ...rest, error } : rest;
}

const ofChatbot = (workspaceId: string, chatbotId: string) =>
  and(eq(knowledgeSources.workspaceId, workspaceId), eq(knowledgeSources.chatbotId, chatbotId));

/** Throws 404 unless the chatbot is the workspace's. */
export async function assertChatbotInWorkspace(db: Database, workspaceId: string, chatbotId: string) {
  const [row] = await db
    .select({ id: chatbots.id })
    .from(chatbots)
    .where(and(eq(chatbots.workspaceId, workspaceId), eq(chatbots.id, chatbotId)))
    .limit(1);
  if (!row) throw notFound('The chatbot');
}

export async function listSources(
  db: Database,
  workspaceId: string,
  chatbotId: string,
): Promise<KnowledgeSourceView[]> {
  const rows = await db
    .select(viewColumns)
    .from(knowledgeSources)
    .where(ofChatbot(workspaceId, chatbotId))
    .orderBy(desc(knowledgeSources.createdAt), desc(knowledgeSources.id));
  return rows.map(toView);
}

export async function addSource(
  db: Database,
  target: { workspaceId: string; chatbotId: string },
  source: NewSource,
  actor: AuditActor,
): Promise<KnowledgeSourceView> {
  await assertChatbotInWorkspace(db, target.workspaceId, target.chatbotId);
  const now = new Date();
  const values = {
    id: randomUUID(),
    workspaceId: target.workspaceId,
    chatbotId: target.chatbotId,
    kind: source.kind,
    status: 'indexing' as const,
    createdAt: now,
    updatedAt: now,
    ...(source.kind === 'text'
      ? { title: source.title, content: source.content }
      : source.kind === 'url'
        ? { title: source.url, url: source.url, crawl: source.crawl }
        : { title: source.fileName, fileName: source.fileName, fileData: source.data }),
  };
  return db.transaction(async (transaction) => {
    const [row] = await transaction.insert(knowledgeSources).values(values).returning(viewColumns);
    await enqueueSourceIndexing(transaction, { id: row!.id, generation: 1 });
    await recordAuditEntry(transaction, {
      workspaceId: target.workspaceId,
      actor,
      action: 'knowledge_source.added',
      details: { chatbotId: target.chatbotId, sourceId: row!.id, kind: row!.kind, title: row!.title },
    });
    return toView(row!);
  });
}

/**
 * Indexes the source again (a URL's pages may have changed). Its current passages keep answering until
 * the new ones replace them.
 */
export async function refreshSource(
  db: Database,
  target: { workspaceId: string; chatbotId: string; sourceId: string },
): Promise<KnowledgeSourceView> {
  return db.transaction(async (transaction) => {
    const [row] = await transaction
      .update(knowledgeSources)
      .set({
        status: 'indexing',
        error: null,
        generation: sql`${knowledgeSources.generation} + 1`,
        updatedAt: new Date(),
      })
      .where(and(ofChatbot(target.workspaceId, target.chatbotId), eq(knowledgeSources.id, target.sourceId)))
      .returning({ ...viewColumns, generation: knowledgeSources.generation });
    if (!row) throw notFound('The source');
    const { generation, ...view } = row;
    await enqueueSourceIndexing(transaction, { id: row.id, generation });
    return toView(view);
  });
}

export async function deleteSource(
  db: Database,
  target: { workspaceId: string; chatbotId: string; sourceId: string },
  actor: AuditActor,
): Promise<void> {
  await db.transaction(async (transaction) => {
    const [removed] = await transaction
      .delete(knowledgeSources)
      .where(and(ofChatbot(target.workspaceId, target.chatbotId), eq(knowledgeSources.id, target.sourceId)))
      .returning({ id: knowledgeSources.id, title: knowledgeSources.title });
    if (!removed) throw notFound('The source');
    await recordAuditEntry(transaction, {
      workspaceId: target.workspaceId,
      actor,
      action: 'knowledge_source.deleted',
      details: { chatbotId: target.chatbotId, sourceId: removed.id, title: removed.title },
    });
  });
}
