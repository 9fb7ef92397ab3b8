/**
 * A workspace's chatbots: create, list, read, change and delete, each audited. Every query filters by
 * `workspaceId`, so another workspace's chatbot is simply not found. Values arrive validated and
 * normalised by the HTTP schema (see `chatbot-routes.ts`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { notFound } from '../app-error.js';
import { recordAuditEntry, type AuditActor } from '../audit/audit-log.js';
import type { Database } from '../db/connect.js';
import { chatbots } from '../db/schema.js';
import { isBudgetReached, normalizeUsd } from '../money/usd.js';
import { buildEmbedSnippet } from './embed-snippet.js';

export type ChatbotRow = typeof chatbots.$inferSelect;

/** The fields an owner or admin sets; `null` clears an optional text. */
export interface ChatbotSettings {
  name: string;
  systemPrompt: string;
  allowedOrigins: string[];
  title: string | null;
  greeting: string | null;
  color: string;
  position: 'left' | 'right';
  errorMessage: string | null;
  theme: 'light' | 'dark' | 'auto';
  language: WidgetLanguage;
  starterQuestions: string[];
  /** US dollars per calendar month (UTC); null = no budget. Owner only. */
  monthlyBudgetUsd: string | null;
  /** What visitors see while a budget is used up; null = the default sentence. Owner only. */
  pausedMessage: string | null;
  /** `own` → the chatbot answers with its own keys and settings only (owner only). */
  llmKeySource: 'workspace' | 'own';
}

/** The languages the widget speaks (its own words; the owner's texts stay as written). */
export const widgetLanguages = ['en', 'de', 'fr', 'es'] as const;
export type WidgetLanguage = (typeof widgetLanguages)[number];

export interface ChatbotView extends ChatbotSettings {
  spentThisMonthUsd: string;
  /** Its monthly budget is used up: it answers nothing until the budget is raised or the month ends. */
  isPaused: boolean;
  id: string;
  publicId: string;
  embedSnippet: string;
  previewUrl: string;
  createdAt: Date;
  updatedAt: Date;
}

const settingNames = [
  'name',
  'systemPrompt',
  'allowedOrigins',
  'title',
  'greeting',
  'color',
  'position',
  'errorMessage',
  'theme',
  'language',
  'starterQuestions',
  'monthlyBudgetUsd',
  'pausedMessage',
  'llmKeySource',
] as const satisfies ReadonlyArray<keyof ChatbotSettings>;

const defaultSettings: Omit<ChatbotSettings, 'name'> = {
  systemPrompt: '',
  allowedOrigins: [],
  title: null,
  greeting: null,
  color: '#4f46e5',
  position: 'right',
  errorMessage: null,
  theme: 'light',
  language: 'en',
  starterQuestions: [],
  monthlyBudgetUsd: null,
  pausedMessage: null,
  llmKeySource: 'workspace',
};

/** `cb_` + 128 random bits, base64url: public (it is in the embed snippet) and unguessable. */
const publicIdPattern = /^cb_[A-Za-z0-9_-]{22}$/;

export function createPublicId(): string {
  return `cb_${randomBytes(16).toString('base64url')}`;
}

const inWorkspace = (workspaceId: string, chatbotId: string) =>
  and(eq(chatbots.workspaceId, workspaceId), eq(chatbots.id, chatbotId));

const chatbotNotFound = () => notFound('The chatbot');

/**
 * The admin's view of a chatbot, with the snippet to paste into a site and the preview page;
 * `spentThisMonthUsd` from `readMonthSpend`.
 */
export function toChatbotView(row: ChatbotRow, publicUrl: string, spentThisMonthUsd = '0'): ChatbotView {
  return {
    id: row.id,
    publicId: row.publicId,
    name: row.name,
    systemPrompt: row.systemPrompt,
    allowedOrigins: row.allowedOrigins,
    title: row.title,
    greeting: row.greeting,
    color: row.color,
    position: row.position,
    errorMessage: row.errorMessage,
    theme: row.theme,
    language: row.language,
    starterQuestions: row.starterQuestions,
    monthlyBudgetUsd: row.monthlyBudgetUsd === null ? null : normalizeUsd(row.monthlyBudgetUsd),
    pausedMessage: row.pausedMessage,
    spentThisMonthUsd,
    isPaused: isBudgetReached(spentThisMonthUsd, row.monthlyBudgetUsd),
    llmKeySource: row.llmKeySource,
    embedSnippet: buildEmbedSnippet(publicUrl, row.publicId),
    previewUrl: `${publicUrl}/preview/${row.publicId}`,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listChatbots(db: Database, workspaceId: string): Promise<ChatbotRow[]> {
  return db
    .select()
    .from(chatbots)
    .where(eq(chatbots.workspaceId, workspaceId))
    .orderBy(asc(chatbots.createdAt), asc(chatbots.id));
}

export async function findChatbot(db: Database, workspaceId: string, chatbotId: string): Promise<ChatbotRow> {
  const [row] = await db.select().from(chatbots).where(inWorkspace(workspaceId, chatbotId)).limit(1);
  if (!row) throw chatbotNotFound();
  return row;
}

/**
 * The chatbot behind a widget's public id, or null. For the public widget gateway: the caller decides
 * what a visitor may see; a malformed id is not looked up at all.
 */
export async function findChatbotByPublicId(db: Database, publicId: string): Promise<ChatbotRow | null> {
  if (!publicIdPattern.test(publicId)) return null;
  const [row] = await db.select().from(chatbots).where(eq(chatbots.publicId, publicId)).limit(1);
  return row ?? null;
}

export async function createChatbot(
  db: Database,
  workspaceId: string,
  input: Partial<ChatbotSettings> & { name: string },
  actor: AuditActor,
): Promise<ChatbotRow> {
  return db.transaction(async (transaction) => {
    const now = new Date();
    const [row] = await transaction
      .insert(chatbots)
      .values({
        ...defaultSettings,
        ...withoutUndefined(input),
        name: input.name,
        id: randomUUID(),
        workspaceId,
        publicId: createPublicId(),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAuditEntry(transaction, {
      workspaceId,
      actor,
      action: 'chatbot.created',
      details: { chatbotId: row!.id, name: row!.name },
    });
    return row!;
  });
}

/**
 * Changes the given settings. A request that changes nothing writes nothing (no audit entry, same
 * `updatedAt`); otherwise the audit entry names the fields that changed, never their values.
 */
export async function updateChatbot(
  db: Database,
  workspaceId: string,
  chatbotId: string,
  changes: Partial<ChatbotSettings>,
  actor: AuditActor,
): Promise<ChatbotRow> {
  return db.transaction(async (transaction) => {
    const [before] = await transaction
      .select()
      .from(chatbots)
      .where(inWorkspace(workspaceId, chatbotId))
      .for('update')
      .limit(1);
    if (!before) throw chatbotNotFound();
    const changedFields = settingNames.filter(
      (field) =>
        changes[field] !== undefined && JSON.stringify(changes[field]) !== JSON.stringify(before[field]),
    );
    if (changedFields.length === 0) return before;
    const [after] = await transaction
      .update(chatbots)
      .set({
        ...Object.fromEntries(changedFields.map((field) => [field, changes[field]])),
        updatedAt: new Date(),
      })
      .where(inWorkspace(workspaceId, chatbotId))
      .returning();
    await recordAuditEntry(transaction, {
      workspaceId,
      actor,
      action: 'chatbot.updated',
      details: { chatbotId, name: after!.name, changedFields },
    });
    return after!;
  });
}

/** Deletes the chatbot; its conversations and their messages go with it (foreign-key cascade). */
export async function deleteChatbot(
  db: Database,
  workspaceId: string,
  chatbotId: string,
  actor: AuditActor,
): Promise<void> {
  await db.transaction(async (transaction) => {
    const [removed] = await transaction
      .delete(chatbots)
      .where(inWorkspace(workspaceId, chatbotId))
      .returning({ id: chatbots.id, name: chatbots.name });
    if (!removed) throw chatbotNotFound();
    await recordAuditEntry(transaction, {
      workspaceId,
      actor,
      action: 'chatbot.deleted',
      details: { chatbotId: removed.id, name: removed.name },
    });
  });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
