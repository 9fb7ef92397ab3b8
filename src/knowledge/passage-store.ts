/**
 * Writes a source's passages and its outcome. The passages of one indexing replace the previous ones in
 * one transaction, only while the source still exists at the same generation: a source deleted or
 * refreshed meanwhile gets nothing from an older run. The search vector is built in SQL with the
 * chatbot's text-search language, the headings weighted above the body.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { knowledgePassages, knowledgeSources } from '../db/schema.js';
import type { Passage } from './passage-chunker.js';

export interface SourceGeneration {
  id: string;
  workspaceId: string;
  chatbotId: string;
  generation: number;
}

const INSERT_BATCH = 500;

/** The language of the chatbot, as a text-search configuration (English when none is set). */
export const chatbotLanguage = (chatbotId: unknown) =>
  sql`(coalesce((select language from knowledge_settings where chatbot_id = ${chatbotId}::uuid), 'english'))::regconfig`;

/** The search vector of a passage: its headings weighted above its body. */
export const passageSearchVector = (chatbotId: unknown, heading: SQL, content: SQL) =>
  sql`setweight(to_tsvector(${chatbotLanguage(chatbotId)}, ${heading}), 'A') || to_tsvector(${chatbotLanguage(chatbotId)}, ${content})`;

/** True when the passages were stored; false when the source changed or went away meanwhile. */
export async function storePassages(
  db: Database,
  source: SourceGeneration,
  title: string,
  passages: Passage[],
): Promise<boolean> {
  return db.transaction(async (transaction) => {
    const [current] = await transaction
      .select({ id: knowledgeSources.id })
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.id, source.id), eq(knowledgeSources.generation, source.generation)))
      .for('update')
      .limit(1);
    if (!current) return false;
    await transaction.delete(knowledgePassages).where(eq(knowledgePassages.sourceId, source.id));
    for (let start = 0; start < passages.length; start += INSERT_BATCH) {
      const batch = passages.slice(start, start + INSERT_BATCH).map((passage, index) => ({
        position: start + index,
        location: passage.location,
        heading: passage.heading,
        content: passage.content,
      }));
      await transaction.execute(sql`
        insert into knowledge_passages
          (workspace_id, chatbot_id, source_id, position, location, heading, content, search_vector)
        select ${source.workspaceId}::uuid, ${source.chatbotId}::uuid, ${source.id}::uuid,
          passage.position, passage.location, passage.heading, passage.content,
          ${passageSearchVector(source.chatbotId, sql`passage.heading`, sql`passage.content`)}
        from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
          as passage(position int, location text, heading text, content text)`);
    }
    await transaction
      .update(knowledgeSources)
      .set({
        title,
        status: 'ready',
        error: null,
        chunks: passages.length,
        indexedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(knowledgeSources.id, source.id));
    return true;
  });
}

/** Records why a source did not index; its previous passages (if any) stay until it is deleted. */
export async function recordSourceError(
  db: Database,
  source: SourceGeneration,
  reason: string,
): Promise<void> {
  await db
    .update(knowledgeSources)
    .set({ status: 'error', error: reason, updatedAt: new Date() })
    .where(and(eq(knowledgeSources.id, source.id), eq(knowledgeSources.generation, source.generation)));
}
