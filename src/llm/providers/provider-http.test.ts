import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectStream } from '../../../test/fakes/collect-stream.js';
import { startFakeProviders, type FakeProviders } from '../../../test/fakes/fake-provider-server.js';
import { fixtureFetch } from '../../../test/fakes/fixture-fetch.js';
import { ProviderError, transportMessages } from './provider-error.js';
import { resolveTimeouts } from './provider-http.js';
import { createProvider } from './provider-registry.js';
import type { ChatRequest, ProviderId } from './provider-types.js';

const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Hello?' }] };
const providerIds: ProviderId[] = ['anthropic', 'openai', 'groq', 'deepseek'];

/** A fetch that never answers until its signal aborts, as a host that accepts and then says nothing. */
const silentFetch = ((_input: unknown, init?: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
  })) as typeof fetch;

describe('timeouts', () => {
  it('fails with provider_unavailable when no response headers arrive within connectMs', async () => {
    const adapter = createProvider('openai', {
      baseURL: 'https://api.example.test/v1',
      apiKey: 'k',
      fetch: silentFetch,
      timeouts: { connectMs: 30 },
    });

    const { error } = await collectStream(adapter.streamChat(request));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
      message: transportMessages.connectTimeout,
    });
  });

  it('fails when headers arrive but no text within firstTokenMs, and cancels the body', async () => {
    const stub = fixtureFetch('', { isSilent: true });
    const adapter = createProvider('anthropic', {
      baseURL: 'https://api.example.test/v1',
      apiKey: 'k',
      fetch: stub.fetch,
      timeouts: { firstTokenMs: 30 },
    });

    const { error } = await collectStream(adapter.streamChat(request));

    expect(error).toMatchObject({
      code: 'provider_unavailable',
      message: transportMessages.firstTokenTimeout,
    });
    expect(stub.isCancelled).toBe(true);
  });

  it('ignores undefined timeout values instead of dropping the defaults', () => {
    expect(resolveTimeouts({ connectMs: undefined, idleMs: 5 })).toEqual({
      connectMs: 10_000,
      firstTokenMs: 60_000,
      idleMs: 5,
      keyCheckMs: 5_000,
    });
  });
});

describe.each(providerIds)('%s stream lifecycle against the fake provider', (providerId) => {
  let fake: FakeProviders;
  beforeAll(async () => {
    fake = await startFakeProviders();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const adapter = (timeouts = {}) =>
    createProvider(providerId, { baseURL: fake.baseURL(providerId), apiKey: 'sk-key-1', timeouts });

  it('fails with provider_unavailable when the stream falls silent for idleMs, and closes the connection', async () => {
    const hold = fake.holdNext(providerId);
    const disconnected = fake.nextDisconnect();

    const result = await collectStream(adapter({ idleMs: 40 }).streamChat(request));
    await hold.started;

    expect(result.texts).toHaveLength(1);
    expect(result.error).toMatchObject({
      code: 'provider_unavailable',
      message: transportMessages.idleTimeout,
    });
    await disconnected;
    expect(fake.openStreams).toBe(0);
  });

  it('aborts the upstream request when the caller signal aborts (the visitor went away)', async () => {
    const hold = fake.holdNext(providerId);
    const disconnected = fake.nextDisconnect();
    const controller = new AbortController();
    const stream = adapter().streamChat({ ...request, signal: controller.signal });
    const texts: string[] = [];

    const reading = (async () => {
      for await (const event of stream) {
        if (event.type === 'text') {
          texts.push(event.text);
          controller.abort();
        }
      }
    })();

    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    await hold.started;
    await disconnected;
    expect(texts).toHaveLength(1);
    expect(fake.openStreams).toBe(0);
  });

  it('closes the upstream connection when the consumer stops iterating early', async () => {
    fake.holdNext(providerId);
    const disconnected = fake.nextDisconnect();

    for await (const event of adapter().streamChat(request)) {
      expect(event.type).toBe('text');
      break;
    }

    await disconnected;
    expect(fake.openStreams).toBe(0);
  });

  it('rejects with provider_unavailable when the connection drops mid-stream, after the partial text', async () => {
    fake.setReply({ text: 'one two three four five', chunks: 5 });
    fake.dropNext(providerId, { afterChunks: 2 });

    const result = await collectStream(adapter().streamChat(request));

    expect(result.text).toBe('one two ');
    expect(result.finish).toBeUndefined();
    expect(result.error).toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
      message: transportMessages.dropped,
    });
  });

  it('rejects with provider_unavailable when the connection drops before any text', async () => {
    fake.dropNext(providerId, { afterChunks: 0 });

    const result = await collectStream(adapter().streamChat(request));

    expect(result.texts).toEqual([]);
    expect(result.error).toMatchObject({ code: 'provider_unavailable' });
  });

  it('rejects at once with the abort reason when the signal is already aborted, without calling the provider', async () => {
    const controller = new AbortController();
    controller.abort();

    const { error } = await collectStream(adapter().streamChat({ ...request, signal: controller.signal }));

    expect(error).toMatchObject({ name: 'AbortError' });
    expect(fake.requests).toHaveLength(0);
  });

  it('carries on a held stream once released', async () => {
    fake.setReply({ text: 'first second third', chunks: 3 });
    const hold = fake.holdNext(providerId);

    const reading = collectStream(adapter().streamChat(request));
    await hold.started;
    expect(fake.openStreams).toBe(1);
    hold.release();

    expect((await reading).text).toBe('first second third');
  });
});

describe('unreachable providers', () => {
  let closedPort: number;
  let silentServer: ReturnType<typeof createServer>;
  let silentPort: number;
  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    silentServer = createServer(() => undefined);
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    silentPort = (silentServer.address() as AddressInfo).port;
  });
  afterAll(() => {
    silentServer.closeAllConnections();
    silentServer.close();
  });

  it('maps a refused connection to provider_unavailable, for a chat and a key check', async () => {
    const adapter = createProvider('groq', {
      baseURL: `http://127.0.0.1:${closedPort}/openai/v1`,
      apiKey: 'gsk_secret_1',
    });

    const { error } = await collectStream(adapter.streamChat(request));

    expect(error).toMatchObject({
      code: 'provider_unavailable',
      message: transportMessages.unreachable,
      status: null,
    });
    expect(String((error as Error).cause)).not.toContain('gsk_secret_1');
    await expect(adapter.listModels()).rejects.toMatchObject({ code: 'provider_unavailable' });
  });

  it('gives up a chat whose host accepts the connection but never answers, after connectMs', async () => {
    const adapter = createProvider('openai', {
      baseURL: `http://127.0.0.1:${silentPort}/v1`,
      apiKey: 'k',
      timeouts: { connectMs: 40 },
    });

    const { error } = await collectStream(adapter.streamChat(request));

    expect(error).toMatchObject({ code: 'provider_unavailable', message: transportMessages.connectTimeout });
  });

  it('passes a caller abort before the response through as the abort reason', async () => {
    const adapter = createProvider('groq', {
      baseURL: `http://127.0.0.1:${silentPort}/openai/v1`,
      apiKey: 'k',
    });
    const controller = new AbortController();
    const reason = new Error('visitor left');

    const collecting = collectStream(adapter.streamChat({ ...request, signal: controller.signal }));
    setImmediate(() => controller.abort(reason));

    expect((await collecting).error).toBe(reason);
  });

  it('gives up a key check after keyCheckMs', async () => {
    const adapter = createProvider('deepseek', {
      baseURL: `http://127.0.0.1:${silentPort}/v1`,
      apiKey: 'k',
      timeouts: { keyCheckMs: 40 },
    });

    await expect(adapter.listModels()).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: transportMessages.connectTimeout,
    });
  });

  it('passes a caller abort of a key check through as the abort reason', async () => {
    const adapter = createProvider('anthropic', {
      baseURL: `http://127.0.0.1:${silentPort}/v1`,
      apiKey: 'k',
    });
    const controller = new AbortController();

    const checking = adapter.listModels({ signal: controller.signal });
    controller.abort();

    await expect(checking).rejects.toMatchObject({ name: 'AbortError' });
  });
});
