/**
 * At most one retry of a provider stream, and only when nothing has reached the visitor yet: a reply
 * is never stitched together from two attempts. Only `rate_limited` and `provider_unavailable` are
 * retried (a rejected key, an empty balance or an unknown model will not heal in a second).
 */
import { isProviderError, type ProviderError } from './provider-error.js';
import type { StreamEvent } from './provider-types.js';

export interface RetryOptions {
  /** Aborts the wait between attempts (the visitor went away); the stream rejects with its reason. */
  signal?: AbortSignal;
  /** Backoff when the provider sent no `retry-after`; default uniform 200–600 ms. */
  backoffMs?: () => number;
  /** A `retry-after` longer than this is not waited for: the error is passed on. Default 2 000 ms. */
  maxRetryAfterMs?: number;
  /** The wait itself; replaceable in tests. */
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  /** Called before the retry, e.g. to log or count it. */
  onRetry?: (error: ProviderError, delayMs: number) => void;
  /**
   * `Date.now()` time by which a retry must have its answer started (the reply's headers deadline): no
   * retry is made whose wait would end after it — the retry lives inside the reply's budget.
   */
  retryBy?: number;
}

export const defaultMaxRetryAfterMs = 2_000;

export function jitteredBackoffMs(): number {
  return 200 + Math.random() * 400;
}

export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The delay before the retry, or undefined when this failure must not be retried. */
export function retryDelayMs(error: unknown, options: RetryOptions = {}): number | undefined {
  if (!isProviderError(error) || !error.retryable) return undefined;
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= (options.maxRetryAfterMs ?? defaultMaxRetryAfterMs)
      ? error.retryAfterMs
      : undefined;
  }
  return (options.backoffMs ?? jitteredBackoffMs)();
}

/**
 * Runs `start()` and passes its events on; if it fails before any text was passed on with a retryable
 * `ProviderError`, waits and runs `start()` once more. Stopping the iteration stops the current attempt.
 */
export async function* streamWithRetry(
  start: () => AsyncIterable<StreamEvent>,
  options: RetryOptions = {},
): AsyncGenerator<StreamEvent, void, undefined> {
  let hasYieldedText = false;
  for (let attempt = 0; ; attempt++) {
    try {
      for await (const event of start()) {
        if (event.type === 'text') hasYieldedText = true;
        yield event;
      }
      return;
    } catch (error) {
      const delayMs = attempt === 0 && !hasYieldedText ? retryDelayMs(error, options) : undefined;
      if (delayMs === undefined) throw error;
      if (options.retryBy !== undefined && Date.now() + delayMs >= options.retryBy) throw error;
      options.onRetry?.(error as ProviderError, delayMs);
      await (options.sleep ?? sleep)(delayMs, options.signal);
    }
  }
}
