import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderId } from '../../src/llm/providers/provider-types.js';
import { splitReply } from './fake-provider-requests.js';
import { startFakeProviders, type FakeProviders } from './fake-provider-server.js';

const chatPath: Record<ProviderId, string> = {
  anthropic: '/messages',
  openai: '/chat/completions',
  groq: '/chat/completions',
  deepseek: '/chat/completions',
};

function authHeaders(provider: ProviderId, key: string): Record<string, string> {
  return provider === 'anthropic'
    ? { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }
    : { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

describe('fake providers', () => {
  let fake: FakeProviders;
  beforeAll(async () => {
    fake = await startFakeProviders();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('serves the four API roots on one local port', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.baseURL('anthropic')).toBe(`${fake.url}/anthropic/v1`);
    expect(fake.baseURL('openai')).toBe(`${fake.url}/openai/v1`);
    expect(fake.baseURL('groq')).toBe(`${fake.url}/groq/openai/v1`);
    expect(fake.baseURL('deepseek')).toBe(`${fake.url}/deepseek/v1`);
  });

  it.each(['anthropic', 'openai', 'groq', 'deepseek'] as const)(
    '%s lists models in its own format',
    async (provider) => {
      const response = await fetch(`${fake.baseURL(provider)}/models`, {
        headers: authHeaders(provider, 'key-1'),
      });
      const body = (await response.json()) as { data: { id: string }[]; object?: string };

      expect(response.status).toBe(200);
      expect(body.data.length).toBeGreaterThan(0);
      expect(body.object).toBe(provider === 'anthropic' ? undefined : 'list');
    },
  );

  it.each(['anthropic', 'openai', 'groq', 'deepseek'] as const)(
    '%s refuses requests that do not stream',
    async (provider) => {
      const response = await fetch(`${fake.baseURL(provider)}${chatPath[provider]}`, {
        method: 'POST',
        headers: authHeaders(provider, 'key-1'),
        body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
      });

      expect(response.status).toBe(400);
      expect(fake.requests[0]).toMatchObject({ provider, endpoint: 'chat', apiKey: 'key-1' });
    },
  );

  it('asks for a key when none is sent, and for the Anthropic version header', async () => {
    const noKey = await fetch(`${fake.baseURL('openai')}/models`);
    const noVersion = await fetch(`${fake.baseURL('anthropic')}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k' },
      body: JSON.stringify({ model: 'm', max_tokens: 10, stream: true, messages: [] }),
    });

    expect(noKey.status).toBe(401);
    expect(noVersion.status).toBe(400);
  });

  it('is steered over HTTP by other processes', async () => {
    const post = (action: string, body: unknown) =>
      fetch(`${fake.url}/__control/${action}`, { method: 'POST', body: JSON.stringify(body) });

    expect((await post('reply', { text: 'Steered reply', chunks: 2 })).status).toBe(200);
    expect((await post('reject-key', { key: 'sk-proj-revoked' })).status).toBe(200);
    expect((await post('fail-next', { provider: 'nowhere', status: 500 })).status).toBe(400);

    const rejected = await fetch(`${fake.baseURL('openai')}/models`, {
      headers: authHeaders('openai', 'sk-proj-revoked'),
    });
    const stream = await fetch(`${fake.baseURL('groq')}/chat/completions`, {
      method: 'POST',
      headers: authHeaders('groq', 'gsk_1'),
      body: JSON.stringify({
        model: 'llama-3.1-70b-versatile',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    const requests = (await (await fetch(`${fake.url}/__control/requests`)).json()) as {
      requests: unknown[];
    };

    expect(rejected.status).toBe(401);
    expect(await rejected.text()).toContain('Incorrect API key provided: sk-proj-revoked.');
    const text = await stream.text();
    expect(text).toContain('"content":"Steered "');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(requests.requests).toHaveLength(2);

    await post('reset', {});
    expect(fake.requests).toHaveLength(0);
  });

  it('splits replies on word boundaries without losing a character', () => {
    const text = 'Hello! This is a reply,\nwith  two spaces.';
    for (const count of [1, 2, 5, 50]) expect(splitReply(text, count).join('')).toBe(text);
    expect(splitReply(text, 3)).toHaveLength(3);
    expect(splitReply('', 5)).toEqual([]);
  });
});

describe('serve-fake-providers CLI', () => {
  it('prints its URL as one JSON line and serves until stopped', async () => {
    const script = fileURLToPath(new URL('./serve-fake-providers.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        void exited.then((code) => reject(new Error(`the fake exited early with ${code}`)));
      });
      const { url } = JSON.parse(firstLine) as { url: string };
      const response = await fetch(`${url}/deepseek/v1/models`, {
        headers: { authorization: 'Bearer sk-1' },
      });

      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(response.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 20_000);
});
