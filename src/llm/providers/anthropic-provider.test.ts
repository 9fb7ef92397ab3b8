import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectStream } from '../../../test/fakes/collect-stream.js';
import { startFakeProviders, type FakeProviders } from '../../../test/fakes/fake-provider-server.js';
import { fixtureFetch, readFixture } from '../../../test/fakes/fixture-fetch.js';
import { createAnthropicProvider } from './anthropic-provider.js';
import { ProviderError } from './provider-error.js';
import type { ChatRequest } from './provider-types.js';

const request: ChatRequest = {
  model: 'claude-haiku-4-5',
  system: 'You answer questions about Acme opening hours.',
  messages: [
    { role: 'user', content: 'When are you open?' },
    { role: 'assistant', content: 'On weekdays.' },
    { role: 'user', content: 'Which hours?' },
  ],
};

describe('Anthropic adapter on recorded streams', () => {
  it('yields the text deltas and one finish with usage, including cached input tokens', async () => {
    const stub = fixtureFetch(readFixture('anthropic-text.chunks.txt'));
    const provider = createAnthropicProvider({
      baseURL: 'https://api.anthropic.test/v1/',
      apiKey: 'sk-ant-test',
      fetch: stub.fetch,
    });

    const result = await collectStream(provider.streamChat(request));

    expect(result.error).toBeUndefined();
    expect(result.texts).toEqual([
      'Our opening',
      ' hours are 9–17,',
      ' Monday to Friday.\n\n',
      'Anything else? 😊',
    ]);
    expect(result.finish).toEqual({
      type: 'finish',
      finishReason: 'end_turn',
      usage: { inputTokens: 25, outputTokens: 19, cacheReadTokens: 4, cacheWriteTokens: 0 },
    });
  });

  it.each([
    // input_tokens (uncached) + cache_read_input_tokens + cache_creation_input_tokens
    ['anthropic-cache-read.chunks.txt', { inputTokens: 4422, cacheReadTokens: 4410, cacheWriteTokens: 0 }],
    ['anthropic-cache-write.chunks.txt', { inputTokens: 4422, cacheReadTokens: 0, cacheWriteTokens: 4410 }],
  ])('%s: counts the prompt cache reads and writes apart', async (fixture, tokens) => {
    const provider = createAnthropicProvider({
      baseURL: 'https://api.anthropic.test/v1',
      apiKey: 'sk-ant-test',
      fetch: fixtureFetch(readFixture(fixture)).fetch,
    });
    const result = await collectStream(provider.streamChat(request));
    expect(result.finish?.usage).toEqual({ ...tokens, outputTokens: 19 });
  });

  it('marks a system prompt long enough to be cached with cache_control, and leaves a short one a string', async () => {
    const longSystem = 'Acme answers questions about opening hours, returns and shipping. '.repeat(200);
    const stub = fixtureFetch(readFixture('anthropic-text.chunks.txt'));
    const provider = createAnthropicProvider({
      baseURL: 'https://api.anthropic.test/v1',
      apiKey: 'sk-ant-test',
      fetch: stub.fetch,
    });
    await collectStream(provider.streamChat({ ...request, system: longSystem }));
    await collectStream(provider.streamChat(request));
    const [long, short] = stub.calls.map((call) => call.body as { system: unknown });
    expect(long!.system).toEqual([{ type: 'text', text: longSystem, cache_control: { type: 'ephemeral' } }]);
    expect(short!.system).toBe(request.system);
  });

  it('sends the Messages API request: headers, system, history, default max_tokens, stream', async () => {
    const stub = fixtureFetch(readFixture('anthropic-text.chunks.txt'));
    const provider = createAnthropicProvider({
      baseURL: 'https://api.anthropic.test/v1/',
      apiKey: 'sk-ant-test',
      fetch: stub.fetch,
    });

    await collectStream(provider.streamChat(request));

    const [call] = stub.calls;
    expect(call?.url).toBe('https://api.anthropic.test/v1/messages');
    expect(call?.method).toBe('POST');
    expect(call?.headers).toMatchObject({
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    });
    expect(call?.body).toEqual({
      model: 'claude-haiku-4-5',
      system: request.system,
      messages: request.messages,
      max_tokens: 1024,
      stream: true,
    });
  });

  it('omits an absent system prompt and passes maxTokens', async () => {
    const stub = fixtureFetch(readFixture('anthropic-text.chunks.txt'));
    const provider = createAnthropicProvider({
      baseURL: 'https://api.anthropic.test/v1',
      apiKey: 'k',
      fetch: stub.fetch,
    });

    await collectStream(
      provider.streamChat({
        model: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: 'Hi' }],
        maxTokens: 200,
      }),
    );

    expect(stub.calls[0]?.body).toEqual({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 200,
      stream: true,
    });
  });

  it('turns an overloaded_error event inside the stream into a retryable error after the partial text', async () => {
    const stub = fixtureFetch(readFixture('anthropic-overloaded.chunks.txt'));
    const provider = createAnthropicProvider({
      baseURL: 'https://api.anthropic.test/v1',
      apiKey: 'k',
      fetch: stub.fetch,
    });

    const result = await collectStream(provider.streamChat(request));

    expect(result.text).toBe('Let me check');
    expect(result.finish).toBeUndefined();
    expect(result.error).toBeInstanceOf(ProviderError);
    expect(result.error).toMatchObject({
      provider: 'anthropic',
      code: 'provider_unavailable',
      status: null,
      retryable: true,
      providerMessage: 'Overloaded',
    });
  });

  it('reports a stream that ends without message_stop as a lost connection', async () => {
    const truncated = readFixture('anthropic-text.chunks.txt').split('event: message_delta')[0] as string;
    const provider = createAnthropicProvider({
      baseURL: 'https://api.anthropic.test/v1',
      apiKey: 'k',
      fetch: fixtureFetch(truncated).fetch,
    });

    const result = await collectStream(provider.streamChat(request));

    expect(result.text).toContain('Monday to Friday');
    expect(result.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
  });
});

describe('Anthropic adapter against the fake provider', () => {
  let fake: FakeProviders;
  beforeAll(async () => {
    fake = await startFakeProviders();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const provider = (apiKey = 'sk-ant-api03-good') =>
    createAnthropicProvider({ baseURL: fake.baseURL('anthropic'), apiKey });

  async function failureOf(apiKey?: string, model = 'claude-haiku-4-5'): Promise<ProviderError> {
    const result = await collectStream(provider(apiKey).streamChat({ ...request, model }));
    expect(result.texts).toEqual([]);
    expect(result.error).toBeInstanceOf(ProviderError);
    return result.error as ProviderError;
  }

  it('streams a reply and reports the usage the provider counted', async () => {
    fake.setReply({ text: 'We open at nine on weekdays.', chunks: 4 });

    const result = await collectStream(provider().streamChat(request));

    expect(result.text).toBe('We open at nine on weekdays.');
    expect(result.texts).toHaveLength(4);
    expect(result.finish?.finishReason).toBe('end_turn');
    expect(result.finish?.usage.inputTokens).toBeGreaterThan(0);
    expect(result.finish?.usage.outputTokens).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      provider: 'anthropic',
      endpoint: 'chat',
      apiKey: 'sk-ant-api03-good',
    });
  });

  it('checks a key against /models and lists its models', async () => {
    await expect(provider().listModels()).resolves.toEqual(['claude-haiku-4-5', 'claude-sonnet-4-5']);
    expect(fake.requests[0]).toMatchObject({
      endpoint: 'models',
      method: 'GET',
      apiKey: 'sk-ant-api03-good',
    });
  });

  it('maps a rejected key to invalid_key, for a chat and for a key check', async () => {
    fake.rejectKey('sk-ant-api03-revoked');

    expect(await failureOf('sk-ant-api03-revoked')).toMatchObject({
      code: 'invalid_key',
      status: 401,
      retryable: false,
    });
    await expect(provider('sk-ant-api03-revoked').listModels()).rejects.toMatchObject({
      code: 'invalid_key',
      status: 401,
    });
  });

  it('maps "credit balance is too low" to quota_exceeded', async () => {
    fake.setOutOfCredit('anthropic');

    const error = await failureOf();

    expect(error).toMatchObject({ code: 'quota_exceeded', status: 400, retryable: false });
    expect(error.providerMessage).toContain('credit balance is too low');
    expect(error.message).not.toContain('credit balance');
  });

  it('maps an unknown model to model_not_found', async () => {
    expect(await failureOf(undefined, 'no-such-model')).toMatchObject({
      code: 'model_not_found',
      status: 404,
    });
  });

  it.each([
    [429, 'rate_limited', true],
    [529, 'provider_unavailable', true],
    [500, 'provider_unavailable', true],
    [503, 'provider_unavailable', true],
    [402, 'quota_exceeded', false],
    [403, 'invalid_key', false],
    [400, 'unknown', false],
    [413, 'unknown', false],
  ] as const)('maps HTTP %i to %s', async (status, code, retryable) => {
    fake.failNext('anthropic', { status });

    expect(await failureOf()).toMatchObject({ code, status, retryable, provider: 'anthropic' });
  });

  it('keeps retry-after from a 429', async () => {
    fake.failNext('anthropic', { status: 429, headers: { 'retry-after': '3' } });

    expect(await failureOf()).toMatchObject({ code: 'rate_limited', retryAfterMs: 3000 });
  });

  it('maps an error event in the middle of a stream, keeping the text before it', async () => {
    fake.setReply({ text: 'one two three four', chunks: 4 });
    fake.failMidStreamNext('anthropic', { afterChunks: 2 });

    const result = await collectStream(provider().streamChat(request));

    expect(result.text).toBe('one two ');
    expect(result.error).toMatchObject({
      code: 'provider_unavailable',
      status: null,
      providerMessage: 'Overloaded',
    });
  });

  it('sends what the fake checks: the version header and streaming', async () => {
    await collectStream(provider().streamChat(request));

    expect(fake.requests[0]?.body).toMatchObject({ stream: true, max_tokens: 1024, system: request.system });
  });
});
