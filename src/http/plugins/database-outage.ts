/**
 * One log line when the database stops answering and one when it is back (with how many requests were
 * answered 503 meanwhile), instead of a stack per request — about 200 lines a second during an outage.
 */
import { innermostMessage } from '../../db/database-errors.js';

export interface OutageLog {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export class DatabaseOutage {
  #startedAt: number | undefined;
  #failedRequests = 0;

  get isOngoing(): boolean {
    return this.#startedAt !== undefined;
  }

  /** A request failed because the database is away. */
  recordFailure(log: OutageLog, error: unknown): void {
    this.#failedRequests++;
    if (this.#startedAt !== undefined) return;
    this.#startedAt = Date.now();
    log.warn(
      { reason: innermostMessage(error) },
      'The database is not answering: requests get 503 with Retry-After until it is back',
    );
  }

  /** A request succeeded: if an outage was ongoing, it is over. */
  recordSuccess(log: OutageLog): void {
    if (this.#startedAt === undefined) return;
    log.info(
      { downForMs: Date.now() - this.#startedAt, failedRequests: this.#failedRequests },
      'The database answers again',
    );
    this.#startedAt = undefined;
    this.#failedRequests = 0;
  }
}
