/**
 * The one error type of the provider adapters. `message` is always a sentence of our own; the
 * provider's text, when there is one, sits in `providerMessage` (with the API key masked) for callers
 * to scrub before storing. Neither ever carries the API key or a request header.
 */
import type { ProviderId } from './provider-types.js';

export const providerErrorCodes = [
  'invalid_key',
  'quota_exceeded',
  'rate_limited',
  'provider_unavailable',
  'model_not_found',
  /** A key paused by its monthly budget: no provider call is made. */
  'budget_exhausted',
  'unknown',
] as const;

export type ProviderErrorCode = (typeof providerErrorCodes)[number];

const defaultMessages: Record<ProviderErrorCode, string> = {
  invalid_key: 'The provider rejected the API key.',
  quota_exceeded: 'The provider account has run out of credit or quota.',
  rate_limited: 'The provider is limiting the rate of requests.',
  provider_unavailable: 'The provider is unavailable right now.',
  model_not_found: 'The provider does not offer the requested model.',
  budget_exhausted: 'The key has used up its monthly budget.',
  unknown: 'The provider returned an unexpected error.',
};

/** Our sentences for failures that happen on the wire rather than in a provider's answer. */
export const transportMessages = {
  unreachable: 'BestAI could not reach the provider.',
  connectTimeout: 'The provider did not answer in time.',
  firstTokenTimeout: 'The provider did not start its reply in time.',
  idleTimeout: 'The provider stopped sending its reply.',
  dropped: 'The connection to the provider was lost before the reply was complete.',
  unreadable: 'The provider sent a reply BestAI could not read.',
} as const;

export interface ProviderErrorInit {
  provider: ProviderId;
  code: ProviderErrorCode;
  /** The HTTP status, or null for errors inside a stream and for transport failures. */
  status?: number | null;
  /** One of our sentences; defaults to the code's sentence. */
  message?: string;
  providerMessage?: string;
  /** From a `retry-after` header, when the provider sent one. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly provider: ProviderId;
  readonly status: number | null;
  readonly code: ProviderErrorCode;
  readonly retryable: boolean;
  readonly providerMessage?: string;
  readonly retryAfterMs?: number;

  constructor(init: ProviderErrorInit) {
    super(
      init.message ?? defaultMessages[init.code],
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.provider = init.provider;
    this.status = init.status ?? null;
    this.code = init.code;
    this.retryable = init.code === 'rate_limited' || init.code === 'provider_unavailable';
    if (init.providerMessage !== undefined) this.providerMessage = init.providerMessage;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

export function isProviderError(value: unknown): value is ProviderError {
  return value instanceof ProviderError;
}

const maxProviderMessageLength = 500;

/**
 * Trims a provider's text and masks the API key wherever the provider echoed it (OpenAI's 401
 * repeats the key it was given). Callers still scrub before storing; this is the first line.
 */
export function cleanProviderMessage(text: string | null | undefined, apiKey: string): string | undefined {
  if (!text) return undefined;
  const masked =
    apiKey.length >= 4 && text.includes(apiKey) ? text.split(apiKey).join('[redacted key]') : text;
  return masked.length > maxProviderMessageLength ? `${masked.slice(0, maxProviderMessageLength)}…` : masked;
}

/** Reads `retry-after-ms` or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const header = headers.get('retry-after');
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
