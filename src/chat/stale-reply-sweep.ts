/**
 * Closes replies left `streaming` by a process that died (a crash, `SIGKILL`, a lost machine): the
 * visitor's question was acknowledged, so its reply row must end `interrupted`, with the partial text the
 * process last saved. Every instance runs the sweep; it is one idempotent statement, so instances running
 * it together do no harm.
 *
 * A live process saves its open replies every `CHECKPOINT_INTERVAL_MS` (open-replies.ts); a row that has not
 * moved for `STALE_AFTER_MS` belongs to a process that is gone. The longest a row can wait is
 * `STALE_AFTER_MS + SWEEP_INTERVAL_MS` (about a minute), well within the two minutes promised.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { CHECKPOINT_INTERVAL_MS } from './open-replies.js';

export const STALE_AFTER_MS = 4 * CHECKPOINT_INTERVAL_MS;
export const SWEEP_INTERVAL_MS = 20_000;

/** Marks stale `streaming` rows `interrupted`; returns how many. Both times are the database's clock. */
export async function sweepStaleReplies(db: Database, staleAfterMs = STALE_AFTER_MS): Promise<number> {
  const result = await db.execute(sql`
    update messages
    set status = 'interrupted', error_code = 'server_lost', updated_at = now()
    where status = 'streaming' and updated_at < now() - make_interval(secs => ${staleAfterMs / 1000})
    returning id`);
  return (result as unknown as { rows: unknown[] }).rows.length;
}

/** Sweeps now and then every `SWEEP_INTERVAL_MS`; returns the function that stops it. */
export function startStaleReplySweeper(
  db: Database,
  log: { info(object: object, message: string): void },
): () => void {
  let isRunning = false;
  const sweep = async (): Promise<void> => {
    if (isRunning) return;
    isRunning = true;
    try {
      const count = await sweepStaleReplies(db);
      if (count > 0) log.info({ count }, 'Replies left streaming by a stopped process marked interrupted');
    } catch {
      // The database is away; the next round tries again.
    } finally {
      isRunning = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
