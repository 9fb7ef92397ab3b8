import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { openDatabase, type DatabaseHandle } from '../db/connect.js';
import { jobs } from '../db/schema.js';
import { claimJobs, completeJob, enqueueJob } from './job-queue.js';
import { createJobRunner, PermanentJobError, type JobHandlers, type JobRunner } from './job-runner.js';

const quietLog = { info: () => {}, warn: () => {}, error: () => {} };
const waitLong = { timeout: 20_000, interval: 25 };

let database: TestDatabase;
/** A second connection pool on PostgreSQL (another instance); the same handle on PGlite. */
let otherInstance: DatabaseHandle;
const runners: JobRunner[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  otherInstance = database.url ? await openDatabase({ kind: 'postgres', url: database.url }) : database;
});

afterAll(async () => {
  if (otherInstance !== database) await otherInstance.close();
  await database.dispose();
});

beforeEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  await database.db.delete(jobs);
});

function startRunner(handlers: JobHandlers, overrides: { owner?: string; db?: DatabaseHandle } = {}) {
  const runner = createJobRunner({
    db: (overrides.db ?? database).db,
    handlers,
    log: quietLog,
    owner: overrides.owner,
    pollIntervalMs: 20,
    backoffMs: () => 10,
  });
  runners.push(runner);
  runner.start();
  return runner;
}

async function jobRow(id: string) {
  const [row] = await database.db.select().from(jobs).where(eq(jobs.id, id));
  return row!;
}

describe('job queue', () => {
  it('keeps one job per dedupe key, whoever enqueues it', async () => {
    const first = await enqueueJob(database.db, { kind: 'k', payload: { n: 1 }, dedupeKey: 'same' });
    const second = await enqueueJob(otherInstance.db, { kind: 'k', payload: { n: 2 }, dedupeKey: 'same' });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    const rows = await database.db.select().from(jobs);
    expect(rows.map((row) => row.payload)).toEqual([{ n: 1 }]);
  });

  it('runs a job with its payload and marks it done', async () => {
    const seen: unknown[] = [];
    startRunner({ greet: async (job) => void seen.push(job.payload) });
    const id = (await enqueueJob(database.db, { kind: 'greet', payload: { name: 'Ada' } }))!;
    await vi.waitFor(async () => expect((await jobRow(id)).status).toBe('done'), waitLong);
    expect(seen).toEqual([{ name: 'Ada' }]);
    expect((await jobRow(id)).attempts).toBe(1);
  });

  it('does not run a job before its time', async () => {
    const ran: string[] = [];
    startRunner({ later: async (job) => void ran.push(job.id), now: async (job) => void ran.push(job.id) });
    const later = (await enqueueJob(database.db, {
      kind: 'later',
      payload: {},
      runAt: new Date(Date.now() + 60 * 60_000),
    }))!;
    const now = (await enqueueJob(database.db, { kind: 'now', payload: {} }))!;
    await vi.waitFor(async () => expect((await jobRow(now)).status).toBe('done'), waitLong);
    expect(ran).toEqual([now]);
    expect((await jobRow(later)).status).toBe('pending');
  });

  it('retries a failing job with backoff until it succeeds, keeping the last error', async () => {
    let calls = 0;
    startRunner({
      flaky: async () => {
        calls += 1;
        if (calls < 3) throw new Error(`attempt ${calls} failed`);
      },
    });
    const id = (await enqueueJob(database.db, { kind: 'flaky', payload: {} }))!;
    await vi.waitFor(async () => expect((await jobRow(id)).status).toBe('done'), waitLong);
    expect(calls).toBe(3);
    expect((await jobRow(id)).attempts).toBe(3);
  });

  it('gives up after the last attempt, and at once on a permanent error', async () => {
    startRunner({
      broken: async () => {
        throw new Error('still broken');
      },
      hopeless: async () => {
        throw new PermanentJobError('the chatbot is gone');
      },
    });
    const broken = (await enqueueJob(database.db, { kind: 'broken', payload: {}, maxAttempts: 3 }))!;
    const hopeless = (await enqueueJob(database.db, { kind: 'hopeless', payload: {} }))!;
    await vi.waitFor(async () => expect((await jobRow(broken)).status).toBe('failed'), waitLong);
    await vi.waitFor(async () => expect((await jobRow(hopeless)).status).toBe('failed'), waitLong);
    expect(await jobRow(broken)).toMatchObject({ attempts: 3, lastError: 'still broken' });
    expect(await jobRow(hopeless)).toMatchObject({ attempts: 1, lastError: 'the chatbot is gone' });
  });

  it('runs each job once when two instances poll the same table', async () => {
    const runs = new Map<string, string[]>();
    const handler = (instance: string) => async (job: { id: string }) => {
      runs.set(job.id, [...(runs.get(job.id) ?? []), instance]);
      await new Promise((resolve) => setImmediate(resolve));
    };
    startRunner({ work: handler('a') }, { owner: 'instance-a' });
    startRunner({ work: handler('b') }, { owner: 'instance-b', db: otherInstance });
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        enqueueJob(index % 2 ? database.db : otherInstance.db, { kind: 'work', payload: { index } }),
      ),
    );
    await vi.waitFor(async () => {
      const rows = await database.db.select().from(jobs);
      expect(rows.filter((row) => row.status === 'done')).toHaveLength(30);
    }, waitLong);
    for (const id of ids) expect(runs.get(id!)).toHaveLength(1);
  });

  it("takes over a crashed instance's job when its lease lapses, and the late finisher is refused", async () => {
    const id = (await enqueueJob(database.db, { kind: 'orphan', payload: {} }))!;
    const [claimed] = await claimJobs(database.db, {
      owner: 'crashed',
      kinds: ['orphan'],
      limit: 1,
      leaseMs: 300,
    });
    expect(claimed!.id).toBe(id);
    const ranBy: number[] = [];
    startRunner({ orphan: async (job) => void ranBy.push(job.attempt) }, { owner: 'survivor' });
    await vi.waitFor(async () => expect((await jobRow(id)).status).toBe('done'), waitLong);
    expect(ranBy).toEqual([2]);
    expect(await completeJob(database.db, claimed!, 'crashed')).toBe(false);
  });

  it('leaves kinds it has no handler for to other instances', async () => {
    startRunner({ mine: async () => {} });
    const theirs = (await enqueueJob(database.db, { kind: 'theirs', payload: {} }))!;
    const mine = (await enqueueJob(database.db, { kind: 'mine', payload: {} }))!;
    await vi.waitFor(async () => expect((await jobRow(mine)).status).toBe('done'), waitLong);
    expect((await jobRow(theirs)).status).toBe('pending');
  });

  it('stops after the running job finishes, and a job left running is aborted after the grace', async () => {
    let release: () => void = () => {};
    let started = false;
    const runner = createJobRunner({
      db: database.db,
      log: quietLog,
      pollIntervalMs: 20,
      stopGraceMs: 50,
      handlers: {
        slow: (_job, { signal }) =>
          new Promise<void>((resolve, reject) => {
            started = true;
            release = resolve;
            signal.addEventListener('abort', () => reject(signal.reason as Error));
          }),
      },
    });
    runner.start();
    const id = (await enqueueJob(database.db, { kind: 'slow', payload: {} }))!;
    await vi.waitFor(() => expect(started).toBe(true), waitLong);
    await runner.stop();
    // Aborted by the shutdown: back to pending for the next instance, not done and not lost.
    await vi.waitFor(async () => expect((await jobRow(id)).status).toBe('pending'), waitLong);
    release();
  });
});
