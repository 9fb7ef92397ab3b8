/**
 * A chatbot's knowledge settings: the text-search language of its passages and whether the widget shows
 * the sources of an answer as links. Changing the language rebuilds the search vectors of every passage
 * in the same transaction, so the index and the questions always use one language.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { knowledgePassages, knowledgeSettings, type knowledgeLanguages } from '../db/schema.js';
import { assertChatbotInWorkspace } from './knowledge-sources.js';
import { passageSearchVector } from './passage-store.js';

export type KnowledgeLanguage = (typeof knowledgeLanguages)[number];

export interface KnowledgeSettingsView {
  language: KnowledgeLanguage;
  showSourceLinks: boolean;
}

const defaults: KnowledgeSettingsView = { language: 'english', showSourceLinks: false };

export async function readKnowledgeSettings(
  db: Database,
  workspaceId: string,
  chatbotId: string,
): Promise<KnowledgeSettingsView> {
  const [row] = await db
    .select({ language: knowledgeSettings.language, showSourceLinks: knowledgeSettings.showSourceLinks })
    .from(knowledgeSettings)
    .where(and(eq(knowledgeSettings.workspaceId, workspaceId), eq(knowledgeSettings.chatbotId, chatbotId)))
    .limit(1);
  return row ?? defaults;
}

export async function updateKnowledgeSettings(
  db: Database,
  workspaceId: string,
  chatbotId: string,
  changes: Partial<KnowledgeSettingsView>,
): Promise<KnowledgeSettingsView> {
  await assertChatbotInWorkspace(db, workspaceId, chatbotId);
  return db.transaction(async (transaction) => {
    const before = await readKnowledgeSettings(transaction, workspaceId, chatbotId);
    const after = { ...before, ...withoutUndefined(changes) };
    await transaction
      .insert(knowledgeSettings)
      .values({ chatbotId, workspaceId, ...after, updatedAt: new Date() })
      .onConflictDoUpdate({ target: knowledgeSettings.chatbotId, set: { ...after, updatedAt: new Date() } });
    if (after.language !== before.language) {
      await transaction
        .update(knowledgePassages)
        .set({
          searchVector: passageSearchVector(
            chatbotId,
            sql`${knowledgePassages.heading}`,
            sql`${knowledgePassages.content}`,
          ),
        })
        .where(eq(knowledgePassages.chatbotId, chatbotId));
    }
    return after;
  });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
