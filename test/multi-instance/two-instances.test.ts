/**
 * Two BestAI processes on one PostgreSQL database: a key replaced through one instance is the key the
 * other instance uses for its very next message. (PostgreSQL only: an embedded database belongs to one
 * process; `npm test` runs this file in its PostgreSQL suite.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/vault/index.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { killAllProcesses, startBestAI, waitUntilRunning } from '../support/process-runner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { parseSse } from '../support/widget-client.js';

let fake: FakeProviders;
let database: TestDatabase;
let urls: [string, string];

beforeAll(async () => {
  if (!process.env.TEST_DATABASE_URL) throw new Error('This suite needs TEST_DATABASE_URL (PostgreSQL).');
  fake = await startFakeProviders();
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url!,
    BESTAI_SECRET: generateSecret(),
    PORT: '0',
    OPENAI_BASE_URL: fake.baseURL('openai'),
    ANTHROPIC_BASE_URL: fake.baseURL('anthropic'),
  };
  const instances = [startBestAI({ env }), startBestAI({ env })];
  urls = (await Promise.all(instances.map((instance) => waitUntilRunning(instance)))) as [string, string];
}, 120_000);
afterAll(async () => {
  await killAllProcesses();
  await database?.dispose();
  await fake?.close();
});

async function call(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; cookie?: string; token?: string } = {},
) {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { response, text: await response.text() };
}

describe('two instances on one PostgreSQL', () => {
  it('use the replaced key on the next message, whichever instance answers', async () => {
    const [first, second] = urls;
    const signup = await call(first, '/api/auth/signup', {
      body: {
        email: `owner-${Date.now()}@example.com`,
        password: 'a long enough password',
        workspaceName: 'Two',
      },
    });
    expect(signup.response.status).toBe(201);
    const cookie = signup.response.headers.get('set-cookie')!.split(';')[0]!;
    const workspaceId = JSON.parse(signup.text).workspace.id;
    const chatbot = JSON.parse(
      (await call(first, `/api/workspaces/${workspaceId}/chatbots`, { body: { name: 'Bot' }, cookie })).text,
    );
    const putKey = (apiKey: string) =>
      call(first, `/api/workspaces/${workspaceId}/llm-keys/openai`, {
        method: 'PUT',
        body: { apiKey },
        cookie,
      });
    const oldKey = 'sk-proj-' + 'o'.repeat(40) + 'OLD1';
    const newKey = 'sk-proj-' + 'n'.repeat(40) + 'NEW1';
    expect((await putKey(oldKey)).response.status).toBe(200);

    const started = JSON.parse(
      (await call(second, `/api/widget/${chatbot.publicId}/conversations`, { body: {} })).text,
    );
    const send = async (content: string) => {
      const { text } = await call(
        second,
        `/api/widget/${chatbot.publicId}/conversations/${started.conversationId}/messages`,
        {
          body: { content },
          token: started.visitorToken,
        },
      );
      return parseSse(text).at(-1)?.event;
    };
    expect(await send('Before the change')).toBe('done');
    expect((await putKey(newKey)).response.status).toBe(200);
    expect(await send('After the change')).toBe('done');
    expect(fake.requests.map((request) => request.apiKey)).toEqual([oldKey, newKey]);
  });
});
