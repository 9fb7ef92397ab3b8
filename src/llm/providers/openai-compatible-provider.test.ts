import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectStream } from '../../../test/fakes/collect-stream.js';
import { startFakeProviders, type FakeProviders } from '../../../test/fakes/fake-provider-server.js';
import { fixtureFetch, readFixture } from '../../../test/fakes/fixture-fetch.js';
import { ProviderError } from './provider-error.js';
import { defaultModelOf } from '../provider-table.js';
import { createProvider } from './provider-registry.js';
import type { ChatRequest, ProviderId } from './provider-types.js';

type CompatibleId = Exclude<ProviderId, 'anthropic'>;

const request: ChatRequest = {
  model: 'some-model',
  system: 'You are the Acme shop assistant.',
  messages: [
    { role: 'user', content: 'Do you ship abroad?' },
    { role: 'assistant', content: 'We do.' },
    { role: 'user', content: 'To Switzerland?' },
  ],
};

const recorded: {
  provider: CompatibleId;
  fixture: string;
  texts: string[];
  finishReason: string;
  usage: object;
}[] = [
  {
    provider: 'openai',
    fixture: 'openai-text.chunks.txt',
    texts: ['Yes', ', we ship', ' to "Zürich"', ' too.'],
    finishReason: 'stop',
    usage: { inputTokens: 31, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0 },
  },
  {
    provider: 'openai',
    fixture: 'openai-cache-read.chunks.txt',
    texts: ['Yes', ', we ship', ' to "Zürich"', ' too.'],
    finishReason: 'stop',
    // prompt_tokens_details.cached_tokens, already counted in prompt_tokens
    usage: { inputTokens: 2031, outputTokens: 9, cacheReadTokens: 1920, cacheWriteTokens: 0 },
  },
  {
    provider: 'groq',
    fixture: 'groq-text.chunks.txt',
    texts: ['Returns', ' are free', ' for 30 days.'],
    finishReason: 'stop',
    usage: { inputTokens: 45, outputTokens: 8, cacheReadTokens: 0, cacheWriteTokens: 0 },
  },
  {
    provider: 'groq',
    fixture: 'groq-cache-read.chunks.txt',
    texts: ['Returns', ' are free', ' for 30 days.'],
    finishReason: 'stop',
    // x_groq.usage.prompt_tokens_details.cached_tokens
    usage: { inputTokens: 1581, outputTokens: 8, cacheReadTokens: 1536, cacheWriteTokens: 0 },
  },
  {
    provider: 'deepseek',
    fixture: 'deepseek-text.chunks.txt',
    texts: ['你好', '! How can I help?'],
    finishReason: 'stop',
    usage: { inputTokens: 14, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0 },
  },
  {
    provider: 'deepseek',
    fixture: 'deepseek-cache-read.chunks.txt',
    texts: ['你好', '! How can I help?'],
    finishReason: 'stop',
    // prompt_cache_hit_tokens (hit + miss = prompt_tokens)
    usage: { inputTokens: 1294, outputTokens: 9, cacheReadTokens: 1280, cacheWriteTokens: 0 },
  },
];

describe('OpenAI-compatible adapter on recorded streams', () => {
  it.each(recorded)(
    '$provider: yields the deltas and the final usage',
    async ({ provider, fixture, texts, finishReason, usage }) => {
      const stub = fixtureFetch(readFixture(fixture));
      const adapter = createProvider(provider, {
        baseURL: 'https://api.example.test/v1',
        apiKey: 'sk-test',
        fetch: stub.fetch,
      });

      const result = await collectStream(adapter.streamChat(request));

      expect(result.error).toBeUndefined();
      expect(result.texts).toEqual(texts);
      expect(result.finish).toEqual({ type: 'finish', finishReason, usage });
    },
  );

  it.each([
    ['openai', true],
    ['groq', false],
    ['deepseek', true],
  ] as const)(
    '%s: sends system first, the history, stream, and include_usage=%s',
    async (provider, sendsIncludeUsage) => {
      const stub = fixtureFetch(readFixture('openai-text.chunks.txt'));
      const adapter = createProvider(provider, {
        baseURL: 'https://api.example.test/v1/',
        apiKey: 'sk-test',
        fetch: stub.fetch,
      });

      await collectStream(adapter.streamChat({ ...request, maxTokens: 300 }));

      const [call] = stub.calls;
      expect(call?.url).toBe('https://api.example.test/v1/chat/completions');
      expect(call?.headers).toMatchObject({
        authorization: 'Bearer sk-test',
        'content-type': 'application/json',
      });
      expect(call?.body).toEqual({
        model: 'some-model',
        messages: [{ role: 'system', content: request.system }, ...request.messages],
        stream: true,
        max_tokens: 300,
        ...(sendsIncludeUsage ? { stream_options: { include_usage: true } } : {}),
      });
    },
  );

  it('turns a data: {"error": …} chunk into a provider error after the partial text', async () => {
    const stub = fixtureFetch(readFixture('openai-server-error.chunks.txt'));
    const adapter = createProvider('openai', {
      baseURL: 'https://api.example.test/v1',
      apiKey: 'sk-test',
      fetch: stub.fetch,
    });

    const result = await collectStream(adapter.streamChat(request));

    expect(result.text).toBe('Sure');
    expect(result.error).toMatchObject({
      provider: 'openai',
      code: 'provider_unavailable',
      status: null,
      retryable: true,
    });
  });

  it('reports a stream cut before [DONE] as a lost connection', async () => {
    const truncated = readFixture('groq-text.chunks.txt').split('data: [DONE]')[0]?.slice(0, -200) as string;
    const adapter = createProvider('groq', {
      baseURL: 'https://api.example.test/v1',
      apiKey: 'k',
      fetch: fixtureFetch(truncated).fetch,
    });

    const result = await collectStream(adapter.streamChat(request));

    expect(result.text).toBe('Returns are free for 30 days.');
    expect(result.error).toMatchObject({ code: 'provider_unavailable' });
  });
});

describe.each(['openai', 'groq', 'deepseek'] as const)(
  '%s adapter against the fake provider',
  (providerId) => {
    let fake: FakeProviders;
    beforeAll(async () => {
      fake = await startFakeProviders();
    });
    afterAll(() => fake.close());
    beforeEach(() => fake.reset());

    const adapter = (apiKey = 'sk-proj-good-0000') =>
      createProvider(providerId, { baseURL: fake.baseURL(providerId), apiKey });

    async function failureOf(apiKey?: string, model = 'some-model'): Promise<ProviderError> {
      const result = await collectStream(adapter(apiKey).streamChat({ ...request, model }));
      expect(result.texts).toEqual([]);
      expect(result.error).toBeInstanceOf(ProviderError);
      return result.error as ProviderError;
    }

    it('streams a reply with usage and echoes the history it was sent', async () => {
      fake.setReply({ echo: true, chunks: 3 });

      const result = await collectStream(adapter().streamChat(request));

      expect(result.text).toBe('To Switzerland?');
      expect(result.finish).toMatchObject({ finishReason: 'stop' });
      expect(result.finish?.usage.inputTokens).toBeGreaterThan(0);
      expect(result.finish?.usage.outputTokens).toBeGreaterThan(0);
      expect(fake.requests[0]).toMatchObject({
        provider: providerId,
        endpoint: 'chat',
        apiKey: 'sk-proj-good-0000',
      });
      expect((fake.requests[0]?.body as { messages: unknown[] }).messages).toHaveLength(4);
    });

    it('checks a key against /models and lists its models', async () => {
      await expect(adapter().listModels()).resolves.toContain(defaultModelOf(providerId));
      fake.rejectKey('sk-proj-revoked-1234');
      await expect(adapter('sk-proj-revoked-1234').listModels()).rejects.toMatchObject({
        code: 'invalid_key',
        status: 401,
      });
    });

    it('maps a rejected key to invalid_key and never repeats the key', async () => {
      fake.rejectKey('sk-proj-revoked-1234');

      const error = await failureOf('sk-proj-revoked-1234');

      expect(error).toMatchObject({
        code: 'invalid_key',
        status: 401,
        retryable: false,
        provider: providerId,
      });
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain('sk-proj-revoked-1234');
      expect(String(error.stack)).not.toContain('sk-proj-revoked-1234');
    });

    it('maps an account out of credit to quota_exceeded', async () => {
      fake.setOutOfCredit(providerId, 'sk-proj-broke-9999');

      expect(await failureOf('sk-proj-broke-9999')).toMatchObject({
        code: 'quota_exceeded',
        retryable: false,
      });
      expect((await collectStream(adapter().streamChat(request))).error).toBeUndefined();
    });

    it('maps an unknown model to model_not_found', async () => {
      expect(await failureOf(undefined, 'no-such-model')).toMatchObject({ code: 'model_not_found' });
    });

    it.each([
      [429, 'rate_limited', true],
      [500, 'provider_unavailable', true],
      [502, 'provider_unavailable', true],
      [503, 'provider_unavailable', true],
      [403, 'invalid_key', false],
      [402, 'quota_exceeded', false],
      [400, 'unknown', false],
      [422, 'unknown', false],
    ] as const)('maps HTTP %i to %s', async (status, code, retryable) => {
      fake.failNext(providerId, { status });

      expect(await failureOf()).toMatchObject({ code, status, retryable });
    });

    it('reads a body that is not JSON by its status alone', async () => {
      fake.failNext(providerId, { status: 502, body: '<html>Bad gateway</html>' });

      expect(await failureOf()).toMatchObject({ code: 'provider_unavailable', status: 502 });
    });

    it('maps an error chunk in the middle of a stream, keeping the text before it', async () => {
      fake.setReply({ text: 'one two three four', chunks: 4 });
      fake.failMidStreamNext(providerId, { afterChunks: 1 });

      const result = await collectStream(adapter().streamChat(request));

      expect(result.text).toBe('one ');
      expect(result.error).toMatchObject({ code: 'provider_unavailable', status: null });
    });
  },
);

describe('provider quirks', () => {
  let fake: FakeProviders;
  beforeAll(async () => {
    fake = await startFakeProviders();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('OpenAI echoes a rejected key; the error keeps the text with the key masked', async () => {
    fake.rejectKey('sk-proj-echoed-5678');
    const adapter = createProvider('openai', {
      baseURL: fake.baseURL('openai'),
      apiKey: 'sk-proj-echoed-5678',
    });

    const { error } = await collectStream(adapter.streamChat(request));

    expect((error as ProviderError).providerMessage).toContain('Incorrect API key provided: [redacted key].');
  });

  it('OpenAI: 429 insufficient_quota is quota_exceeded, not rate_limited', async () => {
    fake.setOutOfCredit('openai');
    const adapter = createProvider('openai', { baseURL: fake.baseURL('openai'), apiKey: 'sk-proj-a' });

    const { error } = await collectStream(adapter.streamChat(request));

    expect(error).toMatchObject({ code: 'quota_exceeded', status: 429, retryable: false });
  });

  it('DeepSeek: 402 Insufficient Balance is quota_exceeded; 400 Model Not Exist is model_not_found', async () => {
    fake.setOutOfCredit('deepseek');
    const adapter = createProvider('deepseek', { baseURL: fake.baseURL('deepseek'), apiKey: 'sk-ds' });

    expect((await collectStream(adapter.streamChat(request))).error).toMatchObject({
      code: 'quota_exceeded',
      status: 402,
    });
    fake.reset();
    expect(
      (await collectStream(adapter.streamChat({ ...request, model: 'no-such-model' }))).error,
    ).toMatchObject({
      code: 'model_not_found',
      status: 400,
    });
  });

  it('Groq: usage comes from x_groq.usage without stream_options', async () => {
    const adapter = createProvider('groq', { baseURL: fake.baseURL('groq'), apiKey: 'gsk_test' });

    const result = await collectStream(adapter.streamChat(request));

    expect(fake.requests[0]?.body).not.toHaveProperty('stream_options');
    expect(result.finish?.usage.outputTokens).toBeGreaterThan(0);
  });
});
