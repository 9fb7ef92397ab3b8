/**
 * A rate-limit store for @fastify/rate-limit that counts in Redis while Redis answers and in process
 * memory while it does not (contract: "Redis unreachable → rate limits fall back to per-process memory").
 * A failed Redis call is answered from memory at once, and Redis is left alone for a few seconds, so an
 * outage costs neither a stall nor an error per request; it is logged once when it starts and once when
 * Redis answers again. The counts in memory are this process's only: limits are looser during an outage,
 * never tighter.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

interface Counted {
  current: number;
  ttl: number;
}
type StoreCallback = (error: Error | null, result?: Counted) => void;

/** The store interface of @fastify/rate-limit (its `incr`, `read` and `child`). */
interface RateLimitStore {
  incr(key: string, callback: StoreCallback, timeWindow: number, max: number): void;
  read(key: string, callback: StoreCallback, timeWindow: number, max: number): void;
  child(routeOptions: object): RateLimitStore;
}
type StoreConstructor<Arguments extends unknown[]> = new (...args: Arguments) => RateLimitStore;

// The library's own two stores, reused as they are; they are CommonJS files without type declarations.
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreConstructor<
  [boolean, boolean, Redis, string]
>;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreConstructor<
  [boolean, boolean, number?]
>;

/** How long Redis is left alone after a failure before it is tried again. */
export const REDIS_RETRY_AFTER_MS = 5_000;

export interface RedisAvailabilityLog {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

/** Whether Redis is answering, as the rate limits last saw it; logs each change once. */
export class RedisAvailability {
  #downSince: number | undefined;
  #retryAt = 0;
  #fallbackCount = 0;
  readonly #log: RedisAvailabilityLog;

  constructor(redis: Redis, log: RedisAvailabilityLog) {
    this.#log = log;
    // Without a listener ioredis prints "[ioredis] Unhandled error event" for every failed reconnect.
    redis.on('error', (error: Error) => this.markDown(error));
    redis.on('ready', () => this.markUp());
  }

  get isDegraded(): boolean {
    return this.#downSince !== undefined;
  }

  /** False while Redis is left alone after a failure. */
  shouldTry(): boolean {
    return this.#downSince === undefined || Date.now() >= this.#retryAt;
  }

  markDown(error: Error): void {
    this.#retryAt = Date.now() + REDIS_RETRY_AFTER_MS;
    if (this.#downSince !== undefined) return;
    this.#downSince = Date.now();
    this.#fallbackCount = 0;
    this.#log.warn(
      { reason: error.message },
      'Redis is not answering: rate limits are counted in this process until it is back',
    );
  }

  countFallback(): void {
    this.#fallbackCount++;
  }

  markUp(): void {
    if (this.#downSince === undefined) return;
    this.#log.info(
      { downForMs: Date.now() - this.#downSince, requestsCountedInMemory: this.#fallbackCount },
      'Redis answers again: rate limits are shared again',
    );
    this.#downSince = undefined;
  }
}

/** The store class to hand to @fastify/rate-limit as `store`. */
export function redisWithMemoryFallback(
  redis: Redis,
  availability: RedisAvailability,
  nameSpace: string,
): new (options: { continueExceeding?: boolean; exponentialBackoff?: boolean }) => RateLimitStore {
  class FallbackStore implements RateLimitStore {
    readonly #shared: RateLimitStore;
    readonly #local: RateLimitStore;

    constructor(
      options: { continueExceeding?: boolean; exponentialBackoff?: boolean },
      stores?: { shared: RateLimitStore; local: RateLimitStore },
    ) {
      const continueExceeding = options.continueExceeding ?? false;
      const exponentialBackoff = options.exponentialBackoff ?? false;
      this.#shared =
        stores?.shared ?? new RedisStore(continueExceeding, exponentialBackoff, redis, nameSpace);
      this.#local = stores?.local ?? new LocalStore(continueExceeding, exponentialBackoff);
    }

    incr(key: string, callback: StoreCallback, timeWindow: number, max: number): void {
      this.#count('incr', key, callback, timeWindow, max);
    }

    read(key: string, callback: StoreCallback, timeWindow: number, max: number): void {
      this.#count('read', key, callback, timeWindow, max);
    }

    child(routeOptions: object): RateLimitStore {
      return new FallbackStore(
        {},
        { shared: this.#shared.child(routeOptions), local: this.#local.child(routeOptions) },
      );
    }

    #count(
      method: 'incr' | 'read',
      key: string,
      callback: StoreCallback,
      timeWindow: number,
      max: number,
    ): void {
      if (!availability.shouldTry()) {
        availability.countFallback();
        this.#local[method](key, callback, timeWindow, max);
        return;
      }
      this.#shared[method](
        key,
        (error, result) => {
          if (!error) {
            availability.markUp();
            callback(null, result);
            return;
          }
          availability.markDown(error);
          availability.countFallback();
          this.#local[method](key, callback, timeWindow, max);
        },
        timeWindow,
        max,
      );
    }
  }
  return FallbackStore;
}
