import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectStream } from '../../../test/fakes/collect-stream.js';
import { startFakeProviders, type FakeProviders } from '../../../test/fakes/fake-provider-server.js';
import { ProviderError, type ProviderErrorCode } from './provider-error.js';
import { createProvider } from './provider-registry.js';
import type { StreamEvent } from './provider-types.js';
import { jitteredBackoffMs, retryDelayMs, streamWithRetry } from './retry-policy.js';

const finish: StreamEvent = {
  type: 'finish',
  finishReason: 'stop',
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
};

function failure(code: ProviderErrorCode, retryAfterMs?: number): ProviderError {
  return new ProviderError({
    provider: 'openai',
    code,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Each call to `start` plays the next script: events, then an optional failure. */
function scripted(...scripts: { events?: StreamEvent[]; error?: unknown }[]) {
  let call = 0;
  const start = vi.fn(async function* (): AsyncGenerator<StreamEvent> {
    const script = scripts[call++] ?? {};
    for (const event of script.events ?? []) yield event;
    if (script.error !== undefined) throw script.error;
  });
  return start;
}

const noWait = { sleep: vi.fn(async () => undefined), backoffMs: () => 250 };

describe('streamWithRetry', () => {
  beforeEach(() => noWait.sleep.mockClear());

  it.each(['rate_limited', 'provider_unavailable'] as const)(
    'retries once after %s before any text',
    async (code) => {
      const start = scripted({ error: failure(code) }, { events: [{ type: 'text', text: 'Hi' }, finish] });

      const result = await collectStream(streamWithRetry(start, noWait));

      expect(result.text).toBe('Hi');
      expect(result.finish).toEqual(finish);
      expect(start).toHaveBeenCalledTimes(2);
      expect(noWait.sleep).toHaveBeenCalledWith(250, undefined);
    },
  );

  it.each(['invalid_key', 'quota_exceeded', 'model_not_found', 'unknown'] as const)(
    'never retries %s',
    async (code) => {
      const start = scripted({ error: failure(code) });

      const result = await collectStream(streamWithRetry(start, noWait));

      expect(result.error).toMatchObject({ code });
      expect(start).toHaveBeenCalledTimes(1);
      expect(noWait.sleep).not.toHaveBeenCalled();
    },
  );

  it('never retries once text has been passed on', async () => {
    const start = scripted({
      events: [{ type: 'text', text: 'Half a' }],
      error: failure('provider_unavailable'),
    });

    const result = await collectStream(streamWithRetry(start, noWait));

    expect(result.text).toBe('Half a');
    expect(result.error).toMatchObject({ code: 'provider_unavailable' });
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('retries at most once', async () => {
    const start = scripted(
      { error: failure('rate_limited') },
      { error: failure('provider_unavailable') },
      { events: [finish] },
    );

    const result = await collectStream(streamWithRetry(start, noWait));

    expect(result.error).toMatchObject({ code: 'provider_unavailable' });
    expect(start).toHaveBeenCalledTimes(2);
  });

  it('does not retry errors that are not provider errors, such as an abort', async () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    const start = scripted({ error: abort });

    const result = await collectStream(streamWithRetry(start, noWait));

    expect(result.error).toBe(abort);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('waits for a retry-after up to the cap, and gives up on a longer one', async () => {
    const soon = scripted({ error: failure('rate_limited', 1_500) }, { events: [finish] });
    await collectStream(streamWithRetry(soon, noWait));
    expect(noWait.sleep).toHaveBeenCalledWith(1_500, undefined);

    const late = scripted({ error: failure('rate_limited', 30_000) }, { events: [finish] });
    const result = await collectStream(streamWithRetry(late, noWait));
    expect(result.error).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 });
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('stops waiting and rejects with the abort reason when the signal aborts during the backoff', async () => {
    const controller = new AbortController();
    const start = scripted({ error: failure('provider_unavailable') }, { events: [finish] });

    const reading = collectStream(
      streamWithRetry(start, {
        signal: controller.signal,
        backoffMs: () => 60_000,
        onRetry: () => controller.abort(),
      }),
    );

    expect((await reading).error).toMatchObject({ name: 'AbortError' });
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('jitters its default backoff between 200 and 600 ms', () => {
    for (let sample = 0; sample < 200; sample++) {
      const delay = jitteredBackoffMs();
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(600);
    }
    expect(retryDelayMs(failure('invalid_key'))).toBeUndefined();
  });
});

describe('streamWithRetry against the fake provider', () => {
  let fake: FakeProviders;
  beforeAll(async () => {
    fake = await startFakeProviders();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('answers after one 529 from Anthropic, with two calls upstream', async () => {
    fake.failNext('anthropic', { status: 529 });
    const provider = createProvider('anthropic', { baseURL: fake.baseURL('anthropic'), apiKey: 'sk-ant-1' });
    const request = { model: 'claude-haiku-4-5', messages: [{ role: 'user' as const, content: 'Hi' }] };

    const result = await collectStream(streamWithRetry(() => provider.streamChat(request), noWait));

    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Hello! This is a reply from the fake provider.');
    expect(fake.requests.filter((entry) => entry.endpoint === 'chat')).toHaveLength(2);
  });

  it('honours the retry-after of an OpenAI 429 and does not retry a rejected key', async () => {
    fake.failNext('openai', { status: 429, headers: { 'retry-after': '1' } });
    const provider = createProvider('openai', { baseURL: fake.baseURL('openai'), apiKey: 'sk-proj-1' });
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

    expect(
      (await collectStream(streamWithRetry(() => provider.streamChat(request), noWait))).error,
    ).toBeUndefined();
    expect(noWait.sleep).toHaveBeenCalledWith(1_000, undefined);

    fake.rejectKey('sk-proj-1');
    const rejected = await collectStream(streamWithRetry(() => provider.streamChat(request), noWait));
    expect(rejected.error).toMatchObject({ code: 'invalid_key' });
    expect(fake.requests.filter((entry) => entry.apiKey === 'sk-proj-1')).toHaveLength(3);
  });
});
