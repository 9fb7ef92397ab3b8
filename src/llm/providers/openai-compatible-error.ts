/**
 * The error body of the OpenAI Chat Completions family (OpenAI, Groq, DeepSeek) and the shared part of
 * its mapping; a config adds its provider's quirks.
 *
 * @see https://platform.openai.com/docs/guides/error-codes/api-errors
 * @see https://console.groq.com/docs/errors
 * @see https://api-docs.deepseek.com/quick_start/error_codes
 */
import { z } from 'zod';
import {
  cleanProviderMessage,
  parseRetryAfter,
  ProviderError,
  type ProviderErrorCode,
} from './provider-error.js';
import { parseJson, type FailedResponse } from './provider-http.js';
import type { ProviderId } from './provider-types.js';

/** `{"error":{"message":"…","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}` */
export const openAICompatibleErrorBodySchema = z.object({
  error: z.object({
    message: z.string().nullish(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});

export type OpenAICompatibleErrorDetail = z.infer<typeof openAICompatibleErrorBodySchema>['error'];

/** A provider's own reading of an error, tried before the shared table; undefined falls through. */
export type ErrorQuirk = (
  status: number | null,
  detail: OpenAICompatibleErrorDetail | null,
) => ProviderErrorCode | undefined;

const quotaCodes = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);

/**
 * 401/403, `invalid_api_key`, `authentication_error` → invalid_key; 402 and `insufficient_quota` (OpenAI
 * sends it with 429) → quota_exceeded; other 429 and `rate_limit_exceeded` → rate_limited; 404 and
 * `model_not_found` → model_not_found; 5xx and `server_error` → provider_unavailable.
 */
export function classifyOpenAICompatibleError(
  status: number | null,
  detail: OpenAICompatibleErrorDetail | null,
): ProviderErrorCode {
  const code = detail?.code == null ? undefined : String(detail.code);
  const type = detail?.type ?? undefined;
  if (status === 401 || status === 403 || code === 'invalid_api_key' || type === 'authentication_error') {
    return 'invalid_key';
  }
  if (status === 402 || (code && quotaCodes.has(code)) || (type && quotaCodes.has(type)))
    return 'quota_exceeded';
  if (status === 429 || code === 'rate_limit_exceeded') return 'rate_limited';
  if (status === 404 || code === 'model_not_found') return 'model_not_found';
  if ((status !== null && status >= 500) || type === 'server_error') return 'provider_unavailable';
  return 'unknown';
}

export interface OpenAICompatibleErrorContext {
  provider: ProviderId;
  apiKey: string;
  quirk: ErrorQuirk | undefined;
}

function toProviderError(
  context: OpenAICompatibleErrorContext,
  status: number | null,
  body: unknown,
  fallbackText: string,
  retryAfterMs?: number,
): ProviderError {
  const parsed = openAICompatibleErrorBodySchema.safeParse(body);
  const detail = parsed.success ? parsed.data.error : null;
  const code = context.quirk?.(status, detail) ?? classifyOpenAICompatibleError(status, detail);
  const providerMessage = cleanProviderMessage(
    detail ? (detail.message ?? detail.type) : fallbackText,
    context.apiKey,
  );
  return new ProviderError({
    provider: context.provider,
    status,
    code,
    ...(providerMessage === undefined ? {} : { providerMessage }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export function openAICompatibleHttpError(
  context: OpenAICompatibleErrorContext,
  response: FailedResponse,
): ProviderError {
  return toProviderError(
    context,
    response.status,
    parseJson(response.text),
    response.text,
    parseRetryAfter(response.headers),
  );
}

/** A `data: {"error":{…}}` chunk inside a stream that had already answered 200. */
export function openAICompatibleStreamError(
  context: OpenAICompatibleErrorContext,
  chunk: unknown,
): ProviderError {
  return toProviderError(context, null, chunk, '');
}
