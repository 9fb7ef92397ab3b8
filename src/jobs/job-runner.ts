/**
 * Runs queued jobs in this instance: claims due jobs of the kinds it has handlers for, runs each under a
 * lease it renews while the handler works, then finishes or reschedules it with backoff. Started with the
 * server and stopped on shutdown; a job still running at the end of the grace is left to its lease, and
 * another instance (or this one after a restart) takes it over.
 */
import type { Database } from '../db/connect.js';
import {
  claimJobs,
  completeJob,
  deleteFinishedJobs,
  failJob,
  renewJobLease,
  type ClaimedJob,
} from './job-queue.js';

/** Does one job. Throw to retry with backoff; throw `PermanentJobError` to give up at once. */
export type JobHandler = (job: ClaimedJob, context: { signal: AbortSignal }) => Promise<void>;

/** Kind → handler. A kind without a handler here is left for an instance that has one. */
export type JobHandlers = Readonly<Record<string, JobHandler>>;

/** A failure that retrying cannot fix (e.g. a payload that no longer makes sense). */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

interface RunnerLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface JobRunnerOptions {
  db: Database;
  handlers: JobHandlers;
  log: RunnerLog;
  /** Names this instance in `locked_by`; default a random id. */
  owner?: string;
  /** How often an idle runner looks for due jobs; default 1 s. */
  pollIntervalMs?: number;
  /** Jobs run at once by this instance; default 2. */
  concurrency?: number;
  /** How long a claim holds without renewal; renewed every third of it. Default 60 s. */
  leaseMs?: number;
  /** Delay before attempt `attempt + 1` after attempt `attempt` failed. */
  backoffMs?: (attempt: number) => number;
  /** How long `stop()` waits for running jobs; default 5 s. */
  stopGraceMs?: number;
}

export interface JobRunner {
  start(): void;
  /** Look for due jobs now rather than at the next poll (after enqueueing in this instance). */
  wake(): void;
  /** Stops claiming; waits up to the grace for running jobs, then aborts them. */
  stop(): Promise<void>;
}

/** 5 s, 10 s, 20 s … capped at 15 minutes, with ±20 % jitter so instances do not retry in step. */
export function exponentialBackoffMs(attempt: number): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 15 * 60_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

const CLEANUP_INTERVAL_MS = 60 * 60_000;
/** Finished rows are kept a while: their dedupe keys still stop a repeat, and operators can look. */
const KEEP_FINISHED_MS = 30 * 24 * 60 * 60_000;
const MAX_STORED_ERROR = 500;

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const owner = options.owner ?? `instance-${crypto.randomUUID()}`;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const concurrency = options.concurrency ?? 2;
  const leaseMs = options.leaseMs ?? 60_000;
  const backoffMs = options.backoffMs ?? exponentialBackoffMs;
  const stopGraceMs = options.stopGraceMs ?? 5_000;
  const kinds = Object.keys(options.handlers);
  const running = new Map<string, { done: Promise<void>; abort: AbortController }>();
  let isRunning = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let isDatabaseFailing = false;
  let lastCleanupAt = 0;

  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wakeUp = undefined;
        resolve();
      }, pollIntervalMs);
      wakeUp = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
    });

  async function runJob(job: ClaimedJob, abort: AbortController): Promise<void> {
    const handler = options.handlers[job.kind]!;
    const renewal = setInterval(() => {
      renewJobLease(options.db, job, owner, leaseMs)
        .then((isHeld) => {
          if (!isHeld) abort.abort(new Error('The job was taken over by another instance.'));
        })
        .catch(() => {});
    }, leaseMs / 3);
    try {
      if (job.attempt > job.maxAttempts) {
        throw new PermanentJobError('Gave up: the job kept outliving its lease.');
      }
      await handler(job, { signal: abort.signal });
      if (!(await completeJob(options.db, job, owner))) {
        options.log.warn(
          { jobId: job.id, kind: job.kind },
          'A job finished after another instance took it over',
        );
      }
    } catch (error) {
      const isPermanent = error instanceof PermanentJobError;
      const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_STORED_ERROR);
      const outcome = await failJob(options.db, job, owner, {
        error: message,
        retryInMs: isPermanent ? null : backoffMs(job.attempt),
      }).catch(() => 'lost' as const);
      const fields = { jobId: job.id, kind: job.kind, attempt: job.attempt, error: message };
      if (outcome === 'failed') options.log.error(fields, 'A background job failed for good');
      else options.log.warn(fields, 'A background job failed; it will be retried');
    } finally {
      clearInterval(renewal);
    }
  }

  async function claimAndStart(): Promise<number> {
    const free = concurrency - running.size;
    if (free <= 0) return 0;
    const claimed = await claimJobs(options.db, { owner, kinds, limit: free, leaseMs });
    for (const job of claimed) {
      const abort = new AbortController();
      const done = runJob(job, abort).finally(() => {
        running.delete(job.id);
        wakeUp?.();
      });
      running.set(job.id, { done, abort });
    }
    return claimed.length;
  }

  async function cleanUpNow(): Promise<void> {
    if (Date.now() - lastCleanupAt < CLEANUP_INTERVAL_MS) return;
    lastCleanupAt = Date.now();
    await deleteFinishedJobs(options.db, KEEP_FINISHED_MS);
  }

  async function runLoop(): Promise<void> {
    while (isRunning) {
      let claimedCount = 0;
      try {
        claimedCount = await claimAndStart();
        await cleanUpNow();
        if (isDatabaseFailing) options.log.info({}, 'Background jobs resumed: the database answers again');
        isDatabaseFailing = false;
      } catch (error) {
        // One line per outage, not one per poll.
        if (!isDatabaseFailing) {
          options.log.error({ err: error }, 'Background jobs paused: the database does not answer');
        }
        isDatabaseFailing = true;
      }
      // A full batch may mean more is due: look again at once while slots are free.
      if (!isRunning) break;
      if (claimedCount === 0 || running.size >= concurrency) await sleep();
    }
  }

  return {
    start() {
      if (isRunning || kinds.length === 0) return;
      isRunning = true;
      loop = runLoop();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      if (!isRunning) return;
      isRunning = false;
      wakeUp?.();
      await loop;
      const inFlight = [...running.values()];
      if (inFlight.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(resolve, stopGraceMs, 'timeout');
      });
      const outcome = await Promise.race([Promise.all(inFlight.map((entry) => entry.done)), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        for (const entry of inFlight) entry.abort.abort(new Error('The server is shutting down.'));
      }
    },
  };
}
