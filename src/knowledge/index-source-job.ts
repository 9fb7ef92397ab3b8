/**
 * The `knowledge.index` background job: reads one generation of a source, splits it into passages and
 * stores them. It runs on the database job queue (src/jobs), so a source whose instance dies mid-way is
 * taken over once the job's lease lapses, by another instance or the same one restarted.
 *
 * A reason the owner can act on (a refused address, an unreadable PDF) ends the job and shows on the
 * source; an unexpected failure is retried by the queue, and the last attempt's failure shows too.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/connect.js';
import { knowledgeSources } from '../db/schema.js';
import { enqueueJob } from '../jobs/job-queue.js';
import type { JobHandler } from '../jobs/job-runner.js';
import { SourceError } from './extraction/document-blocks.js';
import { chunkPages } from './passage-chunker.js';
import { recordSourceError, storePassages, type SourceGeneration } from './passage-store.js';
import { readSource, type ReadSourceOptions } from './source-reader.js';

export const INDEX_SOURCE_JOB = 'knowledge.index';
const MAX_ATTEMPTS = 3;

const payloadSchema = z.object({ sourceId: z.string(), generation: z.number().int() });

/** Queues the indexing of a source's generation, in the caller's transaction. */
export async function enqueueSourceIndexing(
  db: Database,
  source: { id: string; generation: number },
): Promise<void> {
  await enqueueJob(db, {
    kind: INDEX_SOURCE_JOB,
    payload: { sourceId: source.id, generation: source.generation },
    dedupeKey: `${INDEX_SOURCE_JOB}:${source.id}:${source.generation}`,
    maxAttempts: MAX_ATTEMPTS,
  });
}

export function createIndexSourceJob(options: {
  db: Database;
  read: ReadSourceOptions;
  log: { error(object: object, message: string): void };
}): JobHandler {
  const { db } = options;
  return async (job, { signal }) => {
    const { sourceId, generation } = payloadSchema.parse(job.payload);
    const [source] = await db
      .select()
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.id, sourceId), eq(knowledgeSources.generation, generation)))
      .limit(1);
    // Deleted or refreshed since: a newer job (or none) has the work.
    if (!source) return;
    const target: SourceGeneration = source;
    try {
      const { title, pages } = await readSource(source, {
        ...options.read,
        fetch: { ...options.read.fetch, signal },
      });
      const passages = chunkPages(pages);
      if (passages.length === 0) await recordSourceError(db, target, `No text was found in ${title}.`);
      else await storePassages(db, target, title, passages);
    } catch (error) {
      // Shutting down or taken over: the queue hands the job on; the source stays `indexing`.
      if (signal.aborted) throw error;
      if (error instanceof SourceError) return recordSourceError(db, target, error.message);
      options.log.error({ err: error, sourceId }, 'Indexing a knowledge source failed');
      if (job.attempt >= job.maxAttempts) {
        await recordSourceError(db, target, 'Indexing failed unexpectedly; refresh the source to try again.');
        return;
      }
      throw error;
    }
  };
}
