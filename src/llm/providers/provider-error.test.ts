import { describe, expect, it } from 'vitest';
import { classifyAnthropicError } from './anthropic-error.js';
import { classifyOpenAICompatibleError } from './openai-compatible-error.js';
import { cleanProviderMessage, parseRetryAfter, ProviderError } from './provider-error.js';

describe('ProviderError', () => {
  it('speaks our words and keeps the provider text apart', () => {
    const error = new ProviderError({
      provider: 'openai',
      code: 'invalid_key',
      status: 401,
      providerMessage: 'Incorrect API key',
    });

    expect(error.message).toBe('The provider rejected the API key.');
    expect(error.providerMessage).toBe('Incorrect API key');
    expect(error).toMatchObject({ name: 'ProviderError', provider: 'openai', status: 401, retryable: false });
  });

  it('is retryable only when rate limited or unavailable', () => {
    const retryable = (
      [
        'invalid_key',
        'quota_exceeded',
        'rate_limited',
        'provider_unavailable',
        'model_not_found',
        'unknown',
      ] as const
    ).filter((code) => new ProviderError({ provider: 'groq', code }).retryable);
    expect(retryable).toEqual(['rate_limited', 'provider_unavailable']);
  });
});

describe('cleanProviderMessage', () => {
  it('masks every echo of the key and trims long text', () => {
    expect(
      cleanProviderMessage('Incorrect API key provided: sk-abc-123. Again sk-abc-123', 'sk-abc-123'),
    ).toBe('Incorrect API key provided: [redacted key]. Again [redacted key]');
    expect(cleanProviderMessage('x'.repeat(2_000), 'key')?.length).toBe(501);
    expect(cleanProviderMessage('', 'key')).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '350', 'retry-after': '2' }))).toBe(350);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});

describe('error tables', () => {
  it.each([
    [401, 'authentication_error', '', 'invalid_key'],
    [403, 'permission_error', '', 'invalid_key'],
    [
      400,
      'invalid_request_error',
      'Your credit balance is too low to access the Anthropic API.',
      'quota_exceeded',
    ],
    [402, 'billing_error', '', 'quota_exceeded'],
    [429, 'rate_limit_error', '', 'rate_limited'],
    [404, 'not_found_error', 'model: x', 'model_not_found'],
    [529, 'overloaded_error', 'Overloaded', 'provider_unavailable'],
    [null, 'overloaded_error', 'Overloaded', 'provider_unavailable'],
    [null, 'api_error', '', 'provider_unavailable'],
    [400, 'invalid_request_error', 'messages: at least one message is required', 'unknown'],
  ] as const)('Anthropic %s %s → %s', (status, type, message, code) => {
    expect(classifyAnthropicError(status, type, message)).toBe(code);
  });

  it.each([
    [401, { type: 'invalid_request_error', code: 'invalid_api_key' }, 'invalid_key'],
    [401, { type: 'authentication_error', code: 'invalid_request_error' }, 'invalid_key'],
    [429, { type: 'insufficient_quota', code: 'insufficient_quota' }, 'quota_exceeded'],
    [429, { type: 'insufficient_quota', code: null }, 'quota_exceeded'],
    [402, { type: 'unknown_error', code: 'invalid_request_error' }, 'quota_exceeded'],
    [429, { type: 'tokens', code: 'rate_limit_exceeded' }, 'rate_limited'],
    [404, { type: 'invalid_request_error', code: 'model_not_found' }, 'model_not_found'],
    [null, { type: 'server_error', code: null }, 'provider_unavailable'],
    [503, null, 'provider_unavailable'],
    [400, { type: 'invalid_request_error', code: null }, 'unknown'],
  ] as const)('OpenAI-compatible %s %j → %s', (status, detail, code) => {
    expect(classifyOpenAICompatibleError(status, detail)).toBe(code);
  });
});
