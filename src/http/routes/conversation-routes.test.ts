import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../../db/schema.js';
import {
  addMember,
  signUpOwner,
  startTestApp,
  TestClient,
  type TestApp,
} from '../../../test/support/test-app.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

type MessageSeed = Partial<typeof messages.$inferInsert> & { role: 'user' | 'assistant'; content: string };

/** A conversation as the widget gateway would have stored it. `createdAt` is SQL text (microseconds kept). */
async function seedConversation(
  workspaceId: string,
  chatbotId: string,
  createdAt: string,
  seeds: MessageSeed[] = [],
): Promise<string> {
  const id = randomUUID();
  const at = sql`${createdAt}::timestamptz`;
  await testApp.database.db
    .insert(conversations)
    .values({ id, workspaceId, chatbotId, visitorTokenHash: 'f'.repeat(64), createdAt: at, updatedAt: at });
  for (const [index, seed] of seeds.entries()) {
    await testApp.database.db.insert(messages).values({
      id: randomUUID(),
      conversationId: id,
      workspaceId,
      status: 'complete',
      createdAt: sql`${createdAt}::timestamptz + make_interval(secs => ${index})`,
      ...seed,
    });
  }
  return id;
}

async function createChatbot(client: TestClient, workspaceId: string, name: string): Promise<string> {
  const response = await client.post(`/api/workspaces/${workspaceId}/chatbots`, { name });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`);
  return response.json().id;
}

interface Summary {
  id: string;
  chatbotId: string;
  chatbotName: string;
  messageCount: number;
  preview: string | null;
  createdAt: string;
}

describe('listing conversations', () => {
  let owner: Awaited<ReturnType<typeof signUpOwner>>;
  let url: string;
  let shopBot: string;
  let helpBot: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    owner = await signUpOwner(testApp);
    url = `/api/workspaces/${owner.workspaceId}/conversations`;
    shopBot = await createChatbot(owner.client, owner.workspaceId, 'Shop');
    helpBot = await createChatbot(owner.client, owner.workspaceId, 'Help');
    const ws = owner.workspaceId;
    ids.january = await seedConversation(ws, shopBot, '2025-01-10T08:00:00Z', [
      { role: 'user', content: 'Where is my order?' },
      { role: 'assistant', content: 'Let me check.', provider: 'anthropic', keySource: 'platform' },
      { role: 'user', content: 'Thanks' },
    ]);
    ids.long = await seedConversation(ws, helpBot, '2025-02-01T09:30:00Z', [
      { role: 'user', content: `  Hello\n\nthere   ${'x'.repeat(200)}` },
    ]);
    ids.empty = await seedConversation(ws, shopBot, '2025-02-28T23:59:59.999999Z');
    ids.march = await seedConversation(ws, helpBot, '2025-03-01T00:00:00Z', [
      { role: 'assistant', content: 'Hi! Ask me anything.', provider: 'openai', keySource: 'workspace' },
      { role: 'user', content: 'What are your opening hours?' },
    ]);

    // Someone else's conversations never show.
    const stranger = await signUpOwner(testApp, 'Stranger');
    const strangerBot = await createChatbot(stranger.client, stranger.workspaceId, 'Theirs');
    await seedConversation(stranger.workspaceId, strangerBot, '2025-02-15T12:00:00Z', [
      { role: 'user', content: 'private' },
    ]);
  });

  it('lists the workspace conversations newest first, with chatbot name, message count and preview', async () => {
    const response = await owner.client.get(url);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.nextCursor).toBeNull();
    const summaries = body.conversations as Summary[];
    expect(summaries.map((summary) => summary.id)).toEqual([ids.march, ids.empty, ids.long, ids.january]);
    expect(Object.keys(summaries[0]!).sort()).toEqual(
      [
        'id',
        'chatbotId',
        'chatbotName',
        'createdAt',
        'updatedAt',
        'messageCount',
        'preview',
        'inputTokens',
        'outputTokens',
        'cacheReadTokens',
        'cacheWriteTokens',
        'costUsd',
      ].sort(),
    );
    expect(summaries[0]).toMatchObject({
      chatbotId: helpBot,
      chatbotName: 'Help',
      messageCount: 2,
      preview: 'What are your opening hours?',
      createdAt: '2025-03-01T00:00:00.000Z',
    });
    expect(summaries[1]).toMatchObject({ chatbotName: 'Shop', messageCount: 0, preview: null });
    expect(summaries[3]).toMatchObject({
      chatbotName: 'Shop',
      messageCount: 3,
      preview: 'Where is my order?',
    });
    const long = summaries[2]!.preview!;
    expect(long.startsWith('Hello there xxx')).toBe(true);
    expect(long.endsWith('…')).toBe(true);
    expect(Array.from(long)).toHaveLength(121);
  });

  it('filters by chatbot and by period (days are inclusive, instants exact)', async () => {
    const idsOf = async (query: string) =>
      ((await owner.client.get(`${url}?${query}`)).json().conversations as Summary[]).map(
        (summary) => summary.id,
      );
    expect(await idsOf(`chatbotId=${shopBot}`)).toEqual([ids.empty, ids.january]);
    expect(await idsOf(`chatbotId=${helpBot}`)).toEqual([ids.march, ids.long]);
    expect(await idsOf('from=2025-02-01&to=2025-02-28')).toEqual([ids.empty, ids.long]);
    expect(await idsOf('from=2025-02-01T09:30:00.001Z')).toEqual([ids.march, ids.empty]);
    expect(await idsOf('to=2025-03-01T00:00:00Z')).toEqual([ids.empty, ids.long, ids.january]);
    expect(await idsOf(`from=2025-02-01&chatbotId=${shopBot}`)).toEqual([ids.empty]);
    expect(await idsOf('from=2025-03-02')).toEqual([]);
    expect(await idsOf(`chatbotId=${randomUUID()}`)).toEqual([]);
  });

  it('pages with a cursor without skipping or repeating, even within one millisecond', async () => {
    const paged = await signUpOwner(testApp);
    const bot = await createChatbot(paged.client, paged.workspaceId, 'Paged');
    const seeded: string[] = [];
    for (const at of [
      '2025-05-01T10:00:00.000100Z',
      '2025-05-01T10:00:00.000200Z',
      '2025-05-01T10:00:00.000300Z',
      '2025-05-01T10:00:00.000300Z',
      '2025-05-01T10:00:00.000400Z',
      '2025-05-02T10:00:00Z',
      '2025-05-03T10:00:00Z',
    ]) {
      seeded.push(await seedConversation(paged.workspaceId, bot, at));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const response = await paged.client.get(`/api/workspaces/${paged.workspaceId}/conversations?${query}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...body.conversations.map((summary: Summary) => summary.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(seeded.length);
    expect([...seen].sort()).toEqual([...seeded].sort());
    expect(seen.slice(0, 2)).toEqual([seeded[6], seeded[5]]);
    expect(seen.at(-1)).toBe(seeded[0]);
  });

  it.each([
    ['chatbotId=not-an-id', 'chatbotId'],
    ['from=yesterday', 'from'],
    ['to=2025-02-30', 'to'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['from=2025-03-02&to=2025-03-01', 'from'],
    ['from=2025-03-01T10:00:00Z&to=2025-03-01T10:00:00Z', 'from'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['cursor=%27%3B%20drop%20table%20messages', 'cursor'],
  ])('refuses %s', async (query, field) => {
    const response = await owner.client.get(`${url}?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });
});

describe('reading one conversation', () => {
  it('returns every message oldest first with who answered (scope, provider, model, masked key), tokens and timings', async () => {
    const owner = await signUpOwner(testApp);
    const bot = await createChatbot(owner.client, owner.workspaceId, 'Shop');
    const id = await seedConversation(owner.workspaceId, bot, '2025-04-01T12:00:00Z', [
      { role: 'user', content: 'Hi' },
      {
        role: 'assistant',
        content: 'Hello! How can I help?',
        provider: 'anthropic',
        keySource: 'workspace',
        maskedKey: 'sk-...abcd',
        model: 'claude-haiku-4-5',
        inputTokens: 12,
        outputTokens: 7,
        cacheReadTokens: 4,
        cacheWriteTokens: 0,
        costUsd: '0.0000434',
        timeToFirstTokenMs: 310,
        durationMs: 950,
      },
      { role: 'user', content: 'Bye' },
      {
        role: 'assistant',
        content: 'Good',
        status: 'interrupted',
        provider: 'anthropic',
        keySource: 'workspace',
      },
    ]);
    const response = await owner.client.get(`/api/workspaces/${owner.workspaceId}/conversations/${id}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      id,
      chatbotId: bot,
      chatbotName: 'Shop',
      createdAt: '2025-04-01T12:00:00.000Z',
    });
    expect(Object.keys(body).sort()).toEqual(['chatbotId', 'chatbotName', 'createdAt', 'id', 'messages']);
    expect(body.messages.map((message: { content: string }) => message.content)).toEqual([
      'Hi',
      'Hello! How can I help?',
      'Bye',
      'Good',
    ]);
    expect(body.messages[1]).toEqual({
      id: expect.any(String),
      role: 'assistant',
      content: 'Hello! How can I help?',
      status: 'complete',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      keySource: 'workspace',
      maskedKey: 'sk-...abcd',
      fallbackFrom: null,
      inputTokens: 12,
      outputTokens: 7,
      cacheReadTokens: 4,
      cacheWriteTokens: 0,
      costUsd: '0.0000434',
      timeToFirstTokenMs: 310,
      durationMs: 950,
      sources: [],
      rating: null,
      createdAt: '2025-04-01T12:00:01.000Z',
    });
    expect(body.messages[0]).toMatchObject({
      role: 'user',
      provider: null,
      inputTokens: null,
      status: 'complete',
    });
    expect(body.messages[3]).toMatchObject({ status: 'interrupted', costUsd: null, maskedKey: null });
  });

  it('puts the visitor message before an answer stored at the same instant', async () => {
    const owner = await signUpOwner(testApp);
    const bot = await createChatbot(owner.client, owner.workspaceId, 'Shop');
    const id = await seedConversation(owner.workspaceId, bot, '2025-04-01T12:00:00Z');
    const at = new Date('2025-04-01T12:00:05Z');
    // Several pairs, so that a random id order would show up.
    for (let pair = 0; pair < 5; pair += 1) {
      const createdAt = new Date(at.getTime() + pair * 1000);
      await testApp.database.db.insert(messages).values([
        {
          id: randomUUID(),
          conversationId: id,
          workspaceId: owner.workspaceId,
          role: 'assistant',
          content: `answer ${pair}`,
          status: 'complete',
          createdAt,
        },
        {
          id: randomUUID(),
          conversationId: id,
          workspaceId: owner.workspaceId,
          role: 'user',
          content: `question ${pair}`,
          status: 'complete',
          createdAt,
        },
      ]);
    }
    const body = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/conversations/${id}`)).json();
    expect(body.messages.map((message: { content: string }) => message.content)).toEqual(
      [0, 1, 2, 3, 4].flatMap((pair) => [`question ${pair}`, `answer ${pair}`]),
    );
  });
});

describe('conversations in money', () => {
  it('sums each conversation’s tokens and cost, and exports the list as CSV with the same filter', async () => {
    const owner = await signUpOwner(testApp);
    const bot = await createChatbot(owner.client, owner.workspaceId, '=Sales');
    const other = await createChatbot(owner.client, owner.workspaceId, 'Other');
    const reply = {
      role: 'assistant' as const,
      content: 'ok',
      provider: 'openai',
      keySource: 'workspace' as const,
    };
    const costly = await seedConversation(owner.workspaceId, bot, '2025-05-02T10:00:00Z', [
      { role: 'user', content: 'Hello, "friend"' },
      { ...reply, inputTokens: 100, outputTokens: 10, cacheReadTokens: 50, costUsd: '0.1' },
      { role: 'user', content: 'More' },
      { ...reply, inputTokens: 200, outputTokens: 20, costUsd: '0.2' },
    ]);
    const unpriced = await seedConversation(owner.workspaceId, bot, '2025-05-01T10:00:00Z', [
      { role: 'user', content: 'Hi' },
      { ...reply, inputTokens: 5, outputTokens: 5, costUsd: null },
    ]);
    await seedConversation(owner.workspaceId, other, '2025-05-01T11:00:00Z', [
      { role: 'user', content: 'Elsewhere' },
    ]);

    const list = (
      await owner.client.get(`/api/workspaces/${owner.workspaceId}/conversations?chatbotId=${bot}`)
    ).json();
    expect(list.conversations).toEqual([
      expect.objectContaining({
        id: costly,
        messageCount: 4,
        inputTokens: 300,
        outputTokens: 30,
        cacheReadTokens: 50,
        costUsd: '0.3',
      }),
      expect.objectContaining({ id: unpriced, messageCount: 2, inputTokens: 5, costUsd: null }),
    ]);

    const csv = await owner.client.get(
      `/api/workspaces/${owner.workspaceId}/conversations.csv?chatbotId=${bot}&from=2025-05-01&to=2025-05-02`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,chatbotId,chatbotName,createdAt,updatedAt,messageCount,inputTokens,outputTokens,cacheReadTokens,cacheWriteTokens,costUsd,preview',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      `${costly},${bot},'=Sales,2025-05-02T10:00:00.000Z,2025-05-02T10:00:00.000Z,4,300,30,50,0,0.3,"Hello, ""friend"""`,
    );
    expect(lines[2]).toMatch(new RegExp(`^${unpriced},.*,2,5,5,0,0,,Hi$`));

    const stranger = await signUpOwner(testApp);
    expect(
      (await stranger.client.get(`/api/workspaces/${owner.workspaceId}/conversations.csv`)).statusCode,
    ).toBe(404);
  });
});

describe('conversations: who may read', () => {
  it('lets every role read, and answers 401 signed out and 404 for another workspace or a malformed id', async () => {
    const owner = await signUpOwner(testApp);
    const team = {
      owner,
      admin: await addMember(testApp, owner, 'admin'),
      viewer: await addMember(testApp, owner, 'viewer'),
      support: await addMember(testApp, owner, 'support'),
    };
    const bot = await createChatbot(owner.client, owner.workspaceId, 'Shop');
    const id = await seedConversation(owner.workspaceId, bot, '2025-04-01T12:00:00Z', [
      { role: 'user', content: 'Hi' },
    ]);
    const url = `/api/workspaces/${owner.workspaceId}/conversations`;
    for (const role of ['owner', 'admin', 'viewer', 'support'] as const) {
      const list = await team[role].client.get(url);
      expect({ role, status: list.statusCode }).toEqual({ role, status: 200 });
      expect(list.json().conversations.map((summary: Summary) => summary.id)).toEqual([id]);
      const one = await team[role].client.get(`${url}/${id}`);
      expect({ role, status: one.statusCode }).toEqual({ role, status: 200 });
    }

    const signedOut = new TestClient(testApp);
    expect((await signedOut.get(url)).statusCode).toBe(401);
    expect((await signedOut.get(`${url}/${id}`)).statusCode).toBe(401);

    const stranger = await signUpOwner(testApp, 'Stranger');
    const strangerBot = await createChatbot(stranger.client, stranger.workspaceId, 'Theirs');
    const strangerConversation = await seedConversation(
      stranger.workspaceId,
      strangerBot,
      '2025-04-02T12:00:00Z',
    );
    for (const response of [
      await stranger.client.get(url),
      await stranger.client.get(`${url}/${id}`),
      await stranger.client.get(`/api/workspaces/${stranger.workspaceId}/conversations/${id}`),
      await owner.client.get(`${url}/${strangerConversation}`),
      await owner.client.get(`${url}/${randomUUID()}`),
      await owner.client.get(`${url}/not-a-uuid`),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    // Filtering by another workspace's chatbot reveals nothing.
    const filtered = await owner.client.get(`${url}?chatbotId=${strangerBot}`);
    expect(filtered.json().conversations).toEqual([]);
  });
});
