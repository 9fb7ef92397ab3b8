import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChatbotByPublicId } from '../../chat/chatbot-service.js';
import { auditLog } from '../../db/schema.js';
import {
  signUpOwner,
  startTestApp,
  TestClient,
  workspaceWithEveryRole,
  type TestApp,
} from '../../../test/support/test-app.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

type Role = 'owner' | 'admin' | 'viewer' | 'support';

async function auditEntriesOf(workspaceId: string, action: string) {
  return testApp.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, action)))
    .orderBy(auditLog.id);
}

async function createChatbot(client: TestClient, workspaceId: string, body: Record<string, unknown> = {}) {
  const response = await client.post(`/api/workspaces/${workspaceId}/chatbots`, {
    name: 'Support bot',
    ...body,
  });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`);
  return response.json() as { id: string; publicId: string; name: string; updatedAt: string };
}

describe('chatbots: create, read, change, delete', () => {
  it('creates a chatbot with defaults, an unguessable public id, an embed snippet and a preview URL', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const response = await client.post(`/api/workspaces/${workspaceId}/chatbots`, {
      name: '  Support bot  ',
    });
    expect(response.statusCode).toBe(201);
    const chatbot = response.json();
    expect(Object.keys(chatbot).sort()).toEqual(
      [
        'id',
        'publicId',
        'name',
        'systemPrompt',
        'allowedOrigins',
        'title',
        'greeting',
        'color',
        'position',
        'errorMessage',
        'theme',
        'language',
        'starterQuestions',
        'monthlyBudgetUsd',
        'pausedMessage',
        'spentThisMonthUsd',
        'isPaused',
        'llmKeySource',
        'embedSnippet',
        'previewUrl',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(chatbot).toMatchObject({
      name: 'Support bot',
      systemPrompt: '',
      allowedOrigins: [],
      title: null,
      greeting: null,
      color: '#4f46e5',
      monthlyBudgetUsd: null,
      pausedMessage: null,
      spentThisMonthUsd: '0',
      isPaused: false,
      position: 'right',
      errorMessage: null,
      theme: 'light',
      language: 'en',
      starterQuestions: [],
    });
    expect(chatbot.publicId).toMatch(/^cb_[A-Za-z0-9_-]{22}$/);
    expect(chatbot.embedSnippet).toBe(
      `<script src="http://bestai.test/widget.js" data-chatbot="${chatbot.publicId}" async></script>`,
    );
    expect(chatbot.previewUrl).toBe(`http://bestai.test/preview/${chatbot.publicId}`);
    expect(new Date(chatbot.createdAt).toISOString()).toBe(chatbot.createdAt);

    const other = await createChatbot(client, workspaceId);
    expect(other.publicId).not.toBe(chatbot.publicId);
  });

  it('stores every setting, normalising origins and colour', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const response = await client.post(`/api/workspaces/${workspaceId}/chatbots`, {
      name: 'Shop assistant',
      systemPrompt: 'You help customers of the shop.',
      allowedOrigins: [
        'https://Shop.Example.com/',
        'https://shop.example.com',
        'http://localhost:5173',
        'https://*.example.org',
        'https://shop.example.com:443',
      ],
      title: 'Ask us',
      greeting: 'Hello! How can we help?',
      color: '#A1B2C3',
      position: 'left',
      errorMessage: 'Sorry, try again later.',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'Shop assistant',
      systemPrompt: 'You help customers of the shop.',
      allowedOrigins: ['https://shop.example.com', 'http://localhost:5173', 'https://*.example.org'],
      title: 'Ask us',
      greeting: 'Hello! How can we help?',
      color: '#a1b2c3',
      position: 'left',
      errorMessage: 'Sorry, try again later.',
    });
  });

  it('lists, reads, changes any subset and deletes', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const url = `/api/workspaces/${workspaceId}/chatbots`;
    const first = await createChatbot(client, workspaceId, { name: 'First' });
    const second = await createChatbot(client, workspaceId, { name: 'Second', title: 'Hi' });

    const list = await client.get(url);
    expect(list.statusCode).toBe(200);
    expect(list.json().chatbots.map((chatbot: { name: string }) => chatbot.name)).toEqual([
      'First',
      'Second',
    ]);
    expect((await client.get(`${url}/${first.id}`)).json()).toMatchObject({ id: first.id, name: 'First' });

    const patched = await client.patch(`${url}/${second.id}`, {
      greeting: 'Welcome',
      title: null,
      color: '#000000',
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'Second',
      greeting: 'Welcome',
      title: null,
      color: '#000000',
    });
    expect(patched.json().publicId).toBe(second.publicId);
    expect(new Date(patched.json().updatedAt) >= new Date(second.updatedAt)).toBe(true);

    const cleared = await client.patch(`${url}/${second.id}`, { greeting: '   ', allowedOrigins: [] });
    expect(cleared.json()).toMatchObject({ greeting: null, allowedOrigins: [] });

    expect((await client.delete(`${url}/${first.id}`)).statusCode).toBe(204);
    expect((await client.get(`${url}/${first.id}`)).statusCode).toBe(404);
    expect((await client.delete(`${url}/${first.id}`)).statusCode).toBe(404);
    expect((await client.patch(`${url}/${first.id}`, { name: 'Back' })).statusCode).toBe(404);
    expect((await client.get(url)).json().chatbots.map((chatbot: { id: string }) => chatbot.id)).toEqual([
      second.id,
    ]);
  });

  it('finds a chatbot by its public id for the widget, and nothing for unknown or malformed ids', async () => {
    const { client, workspaceId } = await signUpOwner(testApp);
    const chatbot = await createChatbot(client, workspaceId);
    const row = await findChatbotByPublicId(testApp.database.db, chatbot.publicId);
    expect(row).toMatchObject({ id: chatbot.id, workspaceId, name: 'Support bot' });
    expect(await findChatbotByPublicId(testApp.database.db, 'cb_AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(await findChatbotByPublicId(testApp.database.db, chatbot.id)).toBeNull();
    expect(await findChatbotByPublicId(testApp.database.db, `${chatbot.publicId}' or '1'='1`)).toBeNull();
  });
});

describe('chatbots: audit', () => {
  it('records created, updated (with the changed fields) and deleted', async () => {
    const { client, workspaceId, email } = await signUpOwner(testApp);
    const url = `/api/workspaces/${workspaceId}/chatbots`;
    const chatbot = await createChatbot(client, workspaceId, {
      name: 'Audited',
      systemPrompt: 'secret sauce',
    });
    await client.patch(`${url}/${chatbot.id}`, {
      name: 'Renamed',
      systemPrompt: 'secret sauce',
      color: '#111111',
    });
    // A change to nothing writes nothing.
    const unchanged = await client.patch(`${url}/${chatbot.id}`, { name: 'Renamed', color: '#111111' });
    expect(unchanged.statusCode).toBe(200);
    await client.delete(`${url}/${chatbot.id}`);

    const [created] = await auditEntriesOf(workspaceId, 'chatbot.created');
    expect(created).toMatchObject({ actorEmail: email, details: { chatbotId: chatbot.id, name: 'Audited' } });
    const updated = await auditEntriesOf(workspaceId, 'chatbot.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.details).toEqual({
      chatbotId: chatbot.id,
      name: 'Renamed',
      changedFields: ['name', 'color'],
    });
    const [deleted] = await auditEntriesOf(workspaceId, 'chatbot.deleted');
    expect(deleted!.details).toEqual({ chatbotId: chatbot.id, name: 'Renamed' });

    const log = await client.get(`/api/workspaces/${workspaceId}/audit-log`);
    expect(
      log
        .json()
        .entries.map((entry: { action: string }) => entry.action)
        .slice(0, 3),
    ).toEqual(['chatbot.deleted', 'chatbot.updated', 'chatbot.created']);
    expect(JSON.stringify(log.json())).not.toContain('secret sauce');
  });
});

describe('chatbots: the role × action matrix', () => {
  const expected: Record<string, Record<Role, number>> = {
    list: { owner: 200, admin: 200, viewer: 200, support: 200 },
    read: { owner: 200, admin: 200, viewer: 200, support: 200 },
    create: { owner: 201, admin: 201, viewer: 403, support: 403 },
    update: { owner: 200, admin: 200, viewer: 403, support: 403 },
    delete: { owner: 204, admin: 204, viewer: 403, support: 403 },
  };

  it.each(Object.entries(expected))('%s', async (action, statuses) => {
    const team = await workspaceWithEveryRole(testApp);
    const url = `/api/workspaces/${team.workspaceId}/chatbots`;
    for (const role of ['owner', 'admin', 'viewer', 'support'] as const) {
      const chatbot = await createChatbot(team.owner.client, team.workspaceId);
      const actor = team[role].client;
      const response =
        action === 'list'
          ? await actor.get(url)
          : action === 'read'
            ? await actor.get(`${url}/${chatbot.id}`)
            : action === 'create'
              ? await actor.post(url, { name: 'By someone' })
              : action === 'update'
                ? await actor.patch(`${url}/${chatbot.id}`, { name: 'Changed' })
                : await actor.delete(`${url}/${chatbot.id}`);
      expect({ role, status: response.statusCode }).toEqual({ role, status: statuses[role] });
      if (response.statusCode === 403) expect(response.json().error.code).toBe('forbidden');
    }
  });

  it('answers 401 signed out, and 404 for another workspace, its chatbots and malformed ids', async () => {
    const team = await workspaceWithEveryRole(testApp);
    const stranger = await signUpOwner(testApp, 'Stranger');
    const url = `/api/workspaces/${team.workspaceId}/chatbots`;
    const chatbot = await createChatbot(team.owner.client, team.workspaceId, { name: 'Private' });
    const strangerBot = await createChatbot(stranger.client, stranger.workspaceId, { name: 'Theirs' });

    const signedOut = new TestClient(testApp);
    for (const response of [
      await signedOut.get(url),
      await signedOut.get(`${url}/${chatbot.id}`),
      await signedOut.post(url, { name: 'x' }),
      await signedOut.patch(`${url}/${chatbot.id}`, { name: 'x' }),
      await signedOut.delete(`${url}/${chatbot.id}`),
    ]) {
      expect(response.statusCode).toBe(401);
    }

    for (const response of [
      await stranger.client.get(url),
      await stranger.client.get(`${url}/${chatbot.id}`),
      await stranger.client.post(url, { name: 'x' }),
      await stranger.client.patch(`${url}/${chatbot.id}`, { name: 'x' }),
      await stranger.client.delete(`${url}/${chatbot.id}`),
      // Their own chatbot's id under our workspace, and ours under theirs.
      await team.owner.client.get(`${url}/${strangerBot.id}`),
      await team.owner.client.patch(`${url}/${strangerBot.id}`, { name: 'Stolen' }),
      await team.owner.client.delete(`${url}/${strangerBot.id}`),
      await stranger.client.get(`/api/workspaces/${stranger.workspaceId}/chatbots/${chatbot.id}`),
      await stranger.client.delete(`/api/workspaces/${stranger.workspaceId}/chatbots/${chatbot.id}`),
      await team.owner.client.get(`${url}/not-a-uuid`),
      await team.owner.client.get('/api/workspaces/not-a-uuid/chatbots'),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    expect(
      (await stranger.client.get(`/api/workspaces/${stranger.workspaceId}/chatbots/${strangerBot.id}`)).json()
        .name,
    ).toBe('Theirs');
    expect((await team.owner.client.get(`${url}/${chatbot.id}`)).json().name).toBe('Private');
    const ourList = (await team.viewer.client.get(url)).json().chatbots;
    expect(ourList.map((entry: { id: string }) => entry.id)).toEqual([chatbot.id]);
  });
});

describe('chatbots: bad input', () => {
  let owner: Awaited<ReturnType<typeof signUpOwner>>;
  let chatbotId: string;
  beforeAll(async () => {
    owner = await signUpOwner(testApp);
    chatbotId = (await createChatbot(owner.client, owner.workspaceId)).id;
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['a missing name', {}, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, 'name'],
    ['a name that is not text', { name: 42 }, 'name'],
    ['a system prompt of 8,001 characters', { systemPrompt: 'p'.repeat(8_001) }, 'systemPrompt'],
    ['a title of 81 characters', { title: 't'.repeat(81) }, 'title'],
    ['a greeting of 501 characters', { greeting: 'g'.repeat(501) }, 'greeting'],
    ['an error message of 301 characters', { errorMessage: 'e'.repeat(301) }, 'errorMessage'],
    ['a colour name', { color: 'red' }, 'color'],
    ['a short colour', { color: '#fff' }, 'color'],
    ['a colour without #', { color: '4f46e5' }, 'color'],
    ['a colour with alpha', { color: '#4f46e5ff' }, 'color'],
    ['a colour with CSS', { color: '#4f46e5;background:url(x)' }, 'color'],
    ['a null colour', { color: null }, 'color'],
    ['a position in the middle', { position: 'center' }, 'position'],
    ['origins that are not a list', { allowedOrigins: 'https://a.com' }, 'allowedOrigins'],
    [
      '51 origins',
      { allowedOrigins: Array.from({ length: 51 }, (_, i) => `https://s${i}.example.com`) },
      'allowedOrigins',
    ],
    ['a javascript: origin', { allowedOrigins: ['javascript:alert(1)'] }, 'allowedOrigins.0'],
    [
      'an origin with a path',
      { allowedOrigins: ['https://ok.example.com', 'https://a.com/path'] },
      'allowedOrigins.1',
    ],
    ['a bare wildcard', { allowedOrigins: ['*.com'] }, 'allowedOrigins.0'],
    ['a wildcard on a TLD', { allowedOrigins: ['https://*.com'] }, 'allowedOrigins.0'],
    ['a lone star', { allowedOrigins: ['*'] }, 'allowedOrigins.0'],
    ['an origin without a scheme', { allowedOrigins: ['shop.example.com'] }, 'allowedOrigins.0'],
    ['an origin with credentials', { allowedOrigins: ['https://user:pass@a.com'] }, 'allowedOrigins.0'],
    ['an origin with a query', { allowedOrigins: ['https://a.com?x=1'] }, 'allowedOrigins.0'],
    ['an origin with a bad port', { allowedOrigins: ['https://a.com:99999'] }, 'allowedOrigins.0'],
    ['the null origin', { allowedOrigins: ['null'] }, 'allowedOrigins.0'],
    ['a data: origin', { allowedOrigins: ['data:text/html,hi'] }, 'allowedOrigins.0'],
    ['an overlong origin', { allowedOrigins: [`https://${'a'.repeat(300)}.com`] }, 'allowedOrigins.0'],
    ['an origin that is not text', { allowedOrigins: [7] }, 'allowedOrigins.0'],
  ];

  it.each(invalid)('refuses %s on create, naming the field', async (label, fields, field) => {
    const body = label === 'a missing name' ? fields : { name: 'Bot', ...fields };
    const response = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, body);
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(error.message).toContain(field);
  });

  it.each(invalid.filter(([label]) => label !== 'a missing name'))(
    'refuses %s on update and changes nothing',
    async (_label, fields, field) => {
      const url = `/api/workspaces/${owner.workspaceId}/chatbots/${chatbotId}`;
      const response = await owner.client.patch(url, fields);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.map((detail: { field: string }) => detail.field)).toContain(field);
      expect((await owner.client.get(url)).json()).toMatchObject({ name: 'Support bot', color: '#4f46e5' });
    },
  );

  it('accepts every limit exactly', async () => {
    const response = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, {
      name: 'n'.repeat(100),
      systemPrompt: 'p'.repeat(8_000),
      title: 't'.repeat(80),
      greeting: 'g'.repeat(500),
      errorMessage: 'e'.repeat(300),
      allowedOrigins: Array.from({ length: 50 }, (_, i) => `https://s${i}.example.com`),
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().allowedOrigins).toHaveLength(50);
  });

  it('refuses a body that is not JSON', async () => {
    const response = await owner.client.request(
      'POST',
      `/api/workspaces/${owner.workspaceId}/chatbots`,
      undefined,
      {
        'content-type': 'application/json',
      },
    );
    expect(response.statusCode).toBe(400);
  });
});
