/**
 * Anthropic's error body and how it maps onto our codes. The same body arrives as an HTTP answer and,
 * once a stream has started, as an `event: error`.
 *
 * @see https://docs.anthropic.com/en/api/errors
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events
 */
import { z } from 'zod';
import type { FailedResponse } from './provider-http.js';
import { parseJson } from './provider-http.js';
import {
  cleanProviderMessage,
  parseRetryAfter,
  ProviderError,
  type ProviderErrorCode,
} from './provider-error.js';

/** `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_…"}` */
export const anthropicErrorBodySchema = z.object({
  type: z.literal('error'),
  error: z.object({ type: z.string(), message: z.string().optional() }),
});

export type AnthropicErrorBody = z.infer<typeof anthropicErrorBodySchema>;

/**
 * 401 authentication_error / 403 permission_error → invalid_key; 400 invalid_request_error "Your credit
 * balance is too low…" and 402 billing_error → quota_exceeded; 429 rate_limit_error → rate_limited;
 * 404 not_found_error → model_not_found; 5xx, 500 api_error and 529 overloaded_error → provider_unavailable.
 * @see https://docs.anthropic.com/en/api/errors#http-errors
 */
export function classifyAnthropicError(
  status: number | null,
  type: string | undefined,
  message: string,
): ProviderErrorCode {
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') {
    return 'invalid_key';
  }
  if (status === 402 || type === 'billing_error' || /credit balance is too low/i.test(message)) {
    return 'quota_exceeded';
  }
  if (status === 429 || type === 'rate_limit_error') return 'rate_limited';
  if (status === 404 || type === 'not_found_error') return 'model_not_found';
  if ((status !== null && status >= 500) || type === 'overloaded_error' || type === 'api_error') {
    return 'provider_unavailable';
  }
  return 'unknown';
}

function toProviderError(
  status: number | null,
  body: unknown,
  fallbackText: string,
  apiKey: string,
  retryAfterMs?: number,
): ProviderError {
  const parsed = anthropicErrorBodySchema.safeParse(body);
  const type = parsed.success ? parsed.data.error.type : undefined;
  const message = parsed.success ? (parsed.data.error.message ?? '') : fallbackText;
  const providerMessage = cleanProviderMessage(message || type, apiKey);
  return new ProviderError({
    provider: 'anthropic',
    status,
    code: classifyAnthropicError(status, type, message),
    ...(providerMessage === undefined ? {} : { providerMessage }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export function anthropicHttpError(response: FailedResponse, apiKey: string): ProviderError {
  return toProviderError(
    response.status,
    parseJson(response.text),
    response.text,
    apiKey,
    parseRetryAfter(response.headers),
  );
}

/** An `event: error` inside a stream that had already answered 200. */
export function anthropicStreamError(data: string, apiKey: string): ProviderError {
  return toProviderError(null, parseJson(data), data, apiKey);
}
