/**
 * The job table's operations: enqueue, claim, finish, retry, renew. Every instance may run every job; a
 * row is claimed with `for update skip locked` under a lease, so two instances never hold the same job and
 * a crashed instance's job is taken over when its lease lapses. Times are the database's clock, so
 * instances whose clocks disagree still agree on what is due.
 */
import { and, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { jobs } from '../db/schema.js';

export interface NewJob {
  /** Names the handler, e.g. `mail.send`. */
  kind: string;
  /** Plain JSON; the handler validates it. Nothing secret in clear (the table is not encrypted). */
  payload: Record<string, unknown>;
  /** A second enqueue with the same key (from any instance) is ignored: at most one such job exists. */
  dedupeKey?: string;
  /** Not before this time; default now. */
  runAt?: Date;
  /** Attempts before the job is given up as `failed`; default 10. */
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
}

/**
 * Adds a job, inside the caller's transaction when given one (so the job exists exactly when the change
 * that asked for it commits). Returns its id, or `null` when a job with the same dedupe key exists.
 */
export async function enqueueJob(db: Database, job: NewJob): Promise<string | null> {
  const rows = await db
    .insert(jobs)
    .values({
      id: crypto.randomUUID(),
      kind: job.kind,
      payload: job.payload,
      dedupeKey: job.dedupeKey ?? null,
      runAt: job.runAt ?? sql`now()`,
      maxAttempts: job.maxAttempts ?? 10,
    })
    .onConflictDoNothing({ target: jobs.dedupeKey })
    .returning({ id: jobs.id });
  return rows[0]?.id ?? null;
}

/**
 * Claims up to `limit` due jobs of the given kinds for `owner`, for `leaseMs`: pending jobs whose time has
 * come, and running jobs whose lease lapsed (their instance died). Rows another instance is claiming at
 * the same moment are skipped, not waited for.
 */
export async function claimJobs(
  db: Database,
  options: { owner: string; kinds: readonly string[]; limit: number; leaseMs: number },
): Promise<ClaimedJob[]> {
  if (options.kinds.length === 0 || options.limit <= 0) return [];
  const due = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        inArray(jobs.kind, [...options.kinds]),
        or(
          and(eq(jobs.status, 'pending'), lte(jobs.runAt, sql`now()`)),
          and(eq(jobs.status, 'running'), lt(jobs.lockedUntil, sql`now()`)),
        ),
      ),
    )
    .orderBy(jobs.runAt)
    .limit(options.limit)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(jobs)
    .set({
      status: 'running',
      attempts: sql`${jobs.attempts} + 1`,
      lockedBy: options.owner,
      lockedUntil: sql`now() + make_interval(secs => ${options.leaseMs / 1000})`,
    })
    .where(inArray(jobs.id, due))
    .returning({
      id: jobs.id,
      kind: jobs.kind,
      payload: jobs.payload,
      attempt: jobs.attempts,
      maxAttempts: jobs.maxAttempts,
    });
  return rows;
}

/** The claim a finishing instance must still hold: a lapsed and retaken job is no longer its to finish. */
function heldBy(job: ClaimedJob, owner: string) {
  return and(eq(jobs.id, job.id), eq(jobs.lockedBy, owner), eq(jobs.attempts, job.attempt));
}

/** Marks a job done. Returns false when the lease had lapsed and another instance holds the job now. */
export async function completeJob(db: Database, job: ClaimedJob, owner: string): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: 'done', lockedBy: null, lockedUntil: null, lastError: null, finishedAt: sql`now()` })
    .where(heldBy(job, owner))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/**
 * Records a failed attempt: back to `pending` after `retryInMs`, or `failed` for good when the attempts are
 * used up or `retryInMs` is null. `error` is stored for operators; keep secrets out of it.
 */
export async function failJob(
  db: Database,
  job: ClaimedJob,
  owner: string,
  failure: { error: string; retryInMs: number | null },
): Promise<'retry' | 'failed' | 'lost'> {
  const givesUp = failure.retryInMs === null || job.attempt >= job.maxAttempts;
  const rows = await db
    .update(jobs)
    .set(
      givesUp
        ? {
            status: 'failed',
            lockedBy: null,
            lockedUntil: null,
            lastError: failure.error,
            finishedAt: sql`now()`,
          }
        : {
            status: 'pending',
            lockedBy: null,
            lockedUntil: null,
            lastError: failure.error,
            runAt: sql`now() + make_interval(secs => ${failure.retryInMs! / 1000})`,
          },
    )
    .where(heldBy(job, owner))
    .returning({ id: jobs.id });
  if (rows.length === 0) return 'lost';
  return givesUp ? 'failed' : 'retry';
}

/** Extends a running job's lease; false when it was lost to another instance. */
export async function renewJobLease(
  db: Database,
  job: ClaimedJob,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ lockedUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
    .where(and(heldBy(job, owner), eq(jobs.status, 'running')))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Deletes finished jobs older than `olderThanMs`, keeping the table small. */
export async function deleteFinishedJobs(db: Database, olderThanMs: number): Promise<number> {
  const rows = await db
    .delete(jobs)
    .where(
      and(
        sql`${jobs.status} in ('done', 'failed')`,
        sql`${jobs.finishedAt} < now() - make_interval(secs => ${olderThanMs / 1000})`,
      ),
    )
    .returning({ id: jobs.id });
  return rows.length;
}
