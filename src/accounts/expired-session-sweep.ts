/**
 * Deletes expired sessions now and then, so the table holds only sessions that can still sign someone in.
 * Every instance runs it: the delete is one idempotent statement, and instances running it together do
 * no harm. Hourly is plenty (sessions expire after 30 idle days, and an expired row opens nothing).
 */
import type { Database } from '../db/connect.js';
import { deleteExpiredSessions } from './session-store.js';

export const SESSION_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** Sweeps now and then every `intervalMs`; returns the function that stops it. */
export function startExpiredSessionSweeper(
  db: Database,
  log: { warn(object: object, message: string): void },
  intervalMs = SESSION_SWEEP_INTERVAL_MS,
): () => void {
  let isRunning = false;
  const sweep = async (): Promise<void> => {
    if (isRunning) return;
    isRunning = true;
    try {
      await deleteExpiredSessions(db);
    } catch (error) {
      // The database is away; the next round tries again.
      log.warn({ err: error }, 'Expired sessions could not be deleted; trying again later');
    } finally {
      isRunning = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
