/**
 * Two BestAI processes on one PostgreSQL database: a key replaced through one instance is the key the
 * other instance uses for its very next message — and so are a chatbot's own keys and settings. (PostgreSQL only: an embedded database belongs to one
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
const platformKey = 'sk-ant-platform-' + 'p'.repeat(30);
/** Replies only: saving a key also asks the provider for its model list. */
const chatRequests = () => fake.requests.filter((request) => request.endpoint === 'chat');

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
    PLATFORM_ANTHROPIC_API_KEY: platformKey,
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
    expect(chatRequests().map((request) => request.apiKey)).toEqual([oldKey, newKey]);
  });

  it("use a chatbot's own keys and settings on the next message, whichever instance answers", async () => {
    const [first, second] = urls;
    const signup = await call(first, '/api/auth/signup', {
      body: {
        email: `owner-own-${Date.now()}@example.com`,
        password: 'a long enough password',
        workspaceName: 'Own keys',
      },
    });
    const cookie = signup.response.headers.get('set-cookie')!.split(';')[0]!;
    const workspaceId = JSON.parse(signup.text).workspace.id;
    const chatbot = JSON.parse(
      (await call(first, `/api/workspaces/${workspaceId}/chatbots`, { body: { name: 'Own' }, cookie })).text,
    );
    const chatbotRoot = `/api/workspaces/${workspaceId}/chatbots/${chatbot.id}`;
    const change = async (method: string, path: string, body: unknown) =>
      (await call(first, path, { method, body, cookie })).response.status;
    const workspaceKey = 'sk-proj-' + 'w'.repeat(40) + 'WORK';
    const chatbotOpenai = 'sk-proj-' + 'c'.repeat(40) + 'OWN1';
    const chatbotAnthropic = 'sk-ant-api03-' + 'c'.repeat(40) + 'OWN2';
    expect(
      await change('PUT', `/api/workspaces/${workspaceId}/llm-keys/openai`, { apiKey: workspaceKey }),
    ).toBe(200);
    expect(await change('PUT', `${chatbotRoot}/llm-keys/openai`, { apiKey: chatbotOpenai })).toBe(200);
    expect(await change('PUT', `${chatbotRoot}/llm-keys/anthropic`, { apiKey: chatbotAnthropic })).toBe(200);

    const started = JSON.parse(
      (await call(second, `/api/widget/${chatbot.publicId}/conversations`, { body: {} })).text,
    );
    const send = async (content: string) => {
      const { text } = await call(
        second,
        `/api/widget/${chatbot.publicId}/conversations/${started.conversationId}/messages`,
        { body: { content }, token: started.visitorToken },
      );
      return parseSse(text).at(-1)?.event;
    };
    const before = chatRequests().length;
    expect(await send('On the workspace key')).toBe('done');
    expect(await change('PATCH', chatbotRoot, { llmKeySource: 'own' })).toBe(200);
    expect(await send('On its own keys')).toBe('done');
    expect(
      await change('PATCH', `${chatbotRoot}/llm-settings`, { providerOrder: ['openai', 'anthropic'] }),
    ).toBe(200);
    expect(await send('Its own order')).toBe('done');
    await change('PATCH', `${chatbotRoot}/llm-keys/openai`, { enabled: false });
    await change('PATCH', `${chatbotRoot}/llm-keys/anthropic`, { enabled: false });
    expect(await change('PATCH', `${chatbotRoot}/llm-settings`, { usePlatformKey: false })).toBe(200);
    // No usable key of its own, the platform key forbidden, the workspace's never used: nobody answers.
    expect(await send('Anyone?')).toBe('error');
    expect(
      chatRequests()
        .slice(before)
        .map((request) => request.apiKey),
    ).toEqual([workspaceKey, chatbotAnthropic, chatbotOpenai]);
  });
});
