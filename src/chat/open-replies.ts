/**
 * The replies this process is streaming right now, so that none is lost whatever happens to the process:
 *
 * - every few seconds one statement saves the partial text of all of them and moves their `updated_at` —
 *   the sign, for the stale-reply sweep on any instance, that their process is alive;
 * - on shutdown, `stopAll()` ends each one early (the visitor is asked to send again, the row keeps the
 *   partial text) before the database closes;
 * - a final write that failed (the database is away) is retried here in the background, with backoff, for
 *   `WRITE_RETRY_MS` — the visitor has already been answered and must not see an error for it.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';

/** How often the partial text of every open reply is saved. */
export const CHECKPOINT_INTERVAL_MS = 10_000;
/** How long a failed final write is retried before it is given up (and logged). */
export const WRITE_RETRY_MS = 60_000;

export interface OpenReply {
  readonly id: string;
  /** The text so far and who is answering it, for the periodic save. */
  progress(): { text: string; provider: string | null; model: string | null };
  /** Ends the reply early because the server stops. */
  stop(): void;
}

export interface OpenRepliesLog {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export class OpenReplies {
  readonly #open = new Set<OpenReply>();
  readonly #pendingWrites = new Set<Promise<void>>();
  readonly #idleWaiters: Array<() => void> = [];
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #db: Database;
  readonly #log: OpenRepliesLog;
  #isCheckpointRunning = false;

  constructor(db: Database, log: OpenRepliesLog, options: { checkpointMs?: number } = {}) {
    this.#db = db;
    this.#log = log;
    this.#timer = setInterval(() => void this.checkpoint(), options.checkpointMs ?? CHECKPOINT_INTERVAL_MS);
    this.#timer.unref();
  }

  get size(): number {
    return this.#open.size;
  }

  add(reply: OpenReply): void {
    this.#open.add(reply);
  }

  remove(reply: OpenReply): void {
    this.#open.delete(reply);
    if (this.#open.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Saves the partial text of every open reply in one statement; a failure waits for the next round. */
  async checkpoint(): Promise<void> {
    if (this.#isCheckpointRunning || this.#open.size === 0) return;
    this.#isCheckpointRunning = true;
    try {
      const rows = [...this.#open].map((reply) => ({ id: reply.id, ...reply.progress() }));
      await this.#db.execute(sql`
        update messages
        set content = saved.text, provider = saved.provider, model = saved.model, updated_at = now()
        from json_to_recordset(${JSON.stringify(rows)}::json)
          as saved(id uuid, text text, provider text, model text)
        where messages.id = saved.id and messages.status = 'streaming'`);
    } catch {
      // The database is away: the outage is reported where requests fail; the next round saves it all.
    } finally {
      this.#isCheckpointRunning = false;
    }
  }

  /** Ends every open reply early; resolves when they have all finished (or after `timeoutMs`). */
  async stopAll(timeoutMs: number): Promise<void> {
    if (this.#open.size === 0) return;
    const idle = new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    for (const reply of this.#open) reply.stop();
    await withTimeout(idle, timeoutMs);
  }

  /**
   * Runs `write` again with backoff (0.25 s doubling to 5 s) until it succeeds or `WRITE_RETRY_MS` pass.
   * For the final write of a reply whose first attempt failed.
   */
  retryInBackground(write: () => Promise<void>, context: { messageId: string }): void {
    const deadline = Date.now() + WRITE_RETRY_MS;
    const pending = (async () => {
      for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        try {
          await write();
          return;
        } catch (error) {
          if (Date.now() + delayMs > deadline) {
            this.#log.error({ err: error, ...context }, 'A reply could not be stored; it was given up');
            return;
          }
        }
      }
    })();
    this.#pendingWrites.add(pending);
    void pending.finally(() => this.#pendingWrites.delete(pending));
  }

  /** Waits for the background writes (or `timeoutMs`), then stops the periodic save. */
  async close(timeoutMs: number): Promise<void> {
    clearInterval(this.#timer);
    await withTimeout(Promise.all(this.#pendingWrites), timeoutMs);
  }
}

async function withTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}
