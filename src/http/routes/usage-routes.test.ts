import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeReply, type ReplyRecord } from '../../chat/reply-store.js';
import { conversations, messages } from '../../db/schema.js';
import { resolveUsagePeriod } from '../../money/usage-report.js';
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

type ReplySeed = Partial<ReplyRecord> & { createdAt: Date; chatbot?: 'first' | 'second' };

/**
 * A workspace with two chatbots and a conversation on each; replies are stored by the statement the
 * gateway uses, so the daily usage is kept as in production.
 */
async function workspaceWithConversation() {
  const owner = await signUpOwner(testApp);
  const chatbotIds: Record<'first' | 'second', string> = { first: '', second: '' };
  const conversationIds: Record<'first' | 'second', string> = { first: '', second: '' };
  for (const [which, name] of [
    ['first', 'Shop bot'],
    ['second', '=Support bot'],
  ] as const) {
    const created = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, { name });
    chatbotIds[which] = created.json().id;
    conversationIds[which] = randomUUID();
    await testApp.database.db.insert(conversations).values({
      id: conversationIds[which],
      workspaceId: owner.workspaceId,
      chatbotId: chatbotIds[which],
      visitorTokenHash: 'f'.repeat(64),
    });
  }
  const seed = async (rows: ReplySeed[]) => {
    for (const { chatbot = 'first', createdAt, ...row } of rows) {
      // The reply row as the visitor's message leaves it (turn-context.ts), then its outcome.
      const id = randomUUID();
      await testApp.database.db.insert(messages).values({
        id,
        conversationId: conversationIds[chatbot],
        workspaceId: owner.workspaceId,
        role: 'assistant',
        content: '',
        status: 'streaming',
        createdAt,
      });
      await storeReply(testApp.database.db, {
        id,
        conversationId: conversationIds[chatbot],
        workspaceId: owner.workspaceId,
        chatbotId: chatbotIds[chatbot],
        status: 'complete',
        content: 'answer',
        provider: 'anthropic',
        keySource: 'platform',
        maskedKey: null,
        model: 'claude-haiku-4-5',
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        timeToFirstTokenMs: 5,
        durationMs: 10,
        errorCode: null,
        fallbackFrom: null,
        ...row,
      });
    }
  };
  return { owner, seed, chatbotIds, url: `/api/workspaces/${owner.workspaceId}/usage` };
}

const at = (text: string) => new Date(text);
const platform = { provider: 'anthropic', keySource: 'platform' as const, model: 'claude-haiku-4-5' };
const ownAnthropic = {
  provider: 'anthropic',
  keySource: 'workspace' as const,
  maskedKey: 'sk-ant-...aaaa',
  model: 'claude-sonnet-4-5',
};
const ownOpenai = {
  provider: 'openai',
  keySource: 'workspace' as const,
  maskedKey: 'sk-...bbbb',
  model: 'gpt-4o-mini',
};
const zero = { cacheReadTokens: 0, cacheWriteTokens: 0, unpriced: 0, savedByCachingUsd: '0' };

describe('usage in money', () => {
  async function seeded() {
    const workspace = await workspaceWithConversation();
    await workspace.seed([
      // 2025-03-01: the platform key twice ($1/$5 per million), the own Anthropic key once ($3/$15).
      { ...platform, inputTokens: 100, outputTokens: 10, createdAt: at('2025-03-01T00:00:00Z') },
      { ...platform, inputTokens: 200, outputTokens: 20, createdAt: at('2025-03-01T23:59:59.999Z') },
      { ...ownAnthropic, inputTokens: 1_000, outputTokens: 100, createdAt: at('2025-03-01T12:00:00Z') },
      // 2025-03-02: OpenAI ($0.15/$0.60) on the second chatbot, one with cached tokens ($0.075), one failed.
      {
        ...ownOpenai,
        chatbot: 'second',
        inputTokens: 2_000,
        outputTokens: 10,
        cacheReadTokens: 1_000,
        createdAt: at('2025-03-02T08:00:00Z'),
      },
      {
        ...ownOpenai,
        chatbot: 'second',
        status: 'failed',
        errorCode: 'rate_limited',
        createdAt: at('2025-03-02T09:00:00Z'),
      },
      // A model without a price: counted, but without cost.
      {
        ...ownOpenai,
        chatbot: 'second',
        model: 'gpt-unknown',
        inputTokens: 7,
        outputTokens: 3,
        createdAt: at('2025-03-02T10:00:00Z'),
      },
      // Outside the period.
      { ...platform, inputTokens: 9_999, outputTokens: 9_999, createdAt: at('2025-02-28T23:59:59.999Z') },
      { ...platform, inputTokens: 9_999, outputTokens: 9_999, createdAt: at('2025-03-03T00:00:00Z') },
    ]);
    // Another workspace's usage is never counted.
    const other = await workspaceWithConversation();
    await other.seed([
      { ...platform, inputTokens: 5_555, outputTokens: 5, createdAt: at('2025-03-01T10:00:00Z') },
    ]);
    return workspace;
  }

  it('groups by day, provider, key, chatbot and model, with exact totals', async () => {
    const { owner, url, chatbotIds } = await seeded();
    const period = 'from=2025-03-01&to=2025-03-02';
    const byDay = (await owner.client.get(`${url}?${period}`)).json();
    // 2025-03-01: (100 + 200) × $1 + 30 × $5 = 0.00045, + 1,000 × $3 + 100 × $15 = 0.0045
    // 2025-03-02: 1,000 × $0.15 + 1,000 × $0.075 + 10 × $0.60 = 0.000231; saved 1,000 × $0.075
    expect(byDay).toEqual({
      from: '2025-03-01',
      to: '2025-03-02',
      groupBy: 'day',
      ratings: { up: 0, down: 0 },
      rows: [
        {
          day: '2025-03-01',
          messages: 3,
          failed: 0,
          inputTokens: 1_300,
          outputTokens: 130,
          costUsd: '0.00495',
          ...zero,
        },
        {
          day: '2025-03-02',
          messages: 3,
          failed: 1,
          inputTokens: 2_007,
          outputTokens: 13,
          cacheReadTokens: 1_000,
          cacheWriteTokens: 0,
          costUsd: '0.000231',
          savedByCachingUsd: '0.000075',
          unpriced: 1,
        },
      ],
      totals: {
        messages: 6,
        failed: 1,
        inputTokens: 3_307,
        outputTokens: 143,
        cacheReadTokens: 1_000,
        cacheWriteTokens: 0,
        costUsd: '0.005181',
        savedByCachingUsd: '0.000075',
        unpriced: 1,
      },
    });

    const rowsOf = async (groupBy: string) =>
      (
        (await owner.client.get(`${url}?${period}&groupBy=${groupBy}`)).json().rows as Array<
          Record<string, unknown>
        >
      ).map(({ messages, costUsd, ...group }) => ({
        ...pick(group, ['provider', 'keySource', 'maskedKey', 'chatbotName', 'model']),
        messages,
        costUsd,
      }));
    expect(await rowsOf('provider')).toEqual([
      { provider: 'anthropic', messages: 3, costUsd: '0.00495' },
      { provider: 'openai', messages: 3, costUsd: '0.000231' },
    ]);
    expect(await rowsOf('key')).toEqual([
      {
        provider: 'anthropic',
        keySource: 'platform',
        maskedKey: null,
        chatbotName: null,
        messages: 2,
        costUsd: '0.00045',
      },
      {
        provider: 'anthropic',
        keySource: 'workspace',
        maskedKey: 'sk-ant-...aaaa',
        chatbotName: null,
        messages: 1,
        costUsd: '0.0045',
      },
      {
        provider: 'openai',
        keySource: 'workspace',
        maskedKey: 'sk-...bbbb',
        chatbotName: null,
        messages: 3,
        costUsd: '0.000231',
      },
    ]);
    expect(await rowsOf('chatbot')).toEqual(
      expect.arrayContaining([
        { chatbotName: 'Shop bot', messages: 3, costUsd: '0.00495' },
        { chatbotName: '=Support bot', messages: 3, costUsd: '0.000231' },
      ]),
    );
    expect(await rowsOf('model')).toEqual([
      { provider: 'anthropic', model: 'claude-haiku-4-5', messages: 2, costUsd: '0.00045' },
      { provider: 'anthropic', model: 'claude-sonnet-4-5', messages: 1, costUsd: '0.0045' },
      { provider: 'openai', model: 'gpt-4o-mini', messages: 2, costUsd: '0.000231' },
      { provider: 'openai', model: 'gpt-unknown', messages: 1, costUsd: '0' },
    ]);

    const oneChatbot = (
      await owner.client.get(`${url}?${period}&groupBy=provider&chatbotId=${chatbotIds.second}`)
    ).json();
    expect(oneChatbot.totals).toMatchObject({ messages: 3, costUsd: '0.000231' });

    const empty = (await owner.client.get(`${url}?from=2024-01-01&to=2024-01-31`)).json();
    expect(empty.rows).toEqual([]);
    expect(empty.totals).toMatchObject({ messages: 0, costUsd: '0' });
  });

  it('exports the same rows as CSV, with formulas made harmless', async () => {
    const { owner, url } = await seeded();
    const response = await owner.client.get(`${url}.csv?from=2025-03-01&to=2025-03-02&groupBy=chatbot`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="usage-chatbot-2025-03-01-2025-03-02.csv"',
    );
    const lines = response.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'chatbotId,chatbotName,messages,failed,inputTokens,outputTokens,cacheReadTokens,cacheWriteTokens,costUsd,savedByCachingUsd,unpriced',
    );
    expect(lines.slice(1).map((line) => line.split(',').slice(1).join(','))).toEqual(
      expect.arrayContaining([
        'Shop bot,3,0,1300,130,0,0,0.00495,0,0',
        "'=Support bot,3,1,2007,13,1000,0,0.000231,0.000075,1",
      ]),
    );
    const byDay = await owner.client.get(`${url}.csv?from=2025-03-01&to=2025-03-02`);
    expect(byDay.body.split('\r\n')[1]).toBe('2025-03-01,3,0,1300,130,0,0,0.00495,0,0');
  });

  it('never reports a mask for the platform key', async () => {
    const { owner, seed, url } = await workspaceWithConversation();
    await seed([
      {
        ...platform,
        maskedKey: 'sk-ant-...zzzz',
        inputTokens: 1,
        outputTokens: 1,
        createdAt: at('2025-03-01T10:00:00Z'),
      },
      { ...platform, inputTokens: 1, outputTokens: 1, createdAt: at('2025-03-01T11:00:00Z') },
    ]);
    const response = await owner.client.get(`${url}?from=2025-03-01&to=2025-03-01&groupBy=key`);
    expect(response.json().rows).toEqual([
      expect.objectContaining({ provider: 'anthropic', keySource: 'platform', maskedKey: null, messages: 2 }),
    ]);
    expect(response.body).not.toContain('zzzz');
  });

  it('covers the last 30 days up to today by default', async () => {
    const { owner, seed, url } = await workspaceWithConversation();
    const now = new Date();
    await seed([
      { ...platform, inputTokens: 4, outputTokens: 2, createdAt: now },
      {
        ...platform,
        inputTokens: 8,
        outputTokens: 8,
        createdAt: new Date(now.getTime() - 40 * 24 * 3600 * 1000),
      },
    ]);
    const body = (await owner.client.get(url)).json();
    const today = now.toISOString().slice(0, 10);
    expect(body.to).toBe(today);
    expect(body.from).toBe(
      new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 24 * 3600 * 1000).toISOString().slice(0, 10),
    );
    expect(body.totals).toMatchObject({ inputTokens: 4, outputTokens: 2, messages: 1 });
  });

  it.each([
    ['from=2025-03-02&to=2025-03-01', 'from'],
    ['from=2024-01-01&to=2025-01-01', 'from'],
    ['from=03/01/2025', 'from'],
    ['to=2025-02-29', 'to'],
    ['from=2025-03-01T00:00:00Z', 'from'],
    ['to=tomorrow', 'to'],
    ['groupBy=week', 'groupBy'],
    ['chatbotId=not-a-chatbot', 'chatbotId'],
  ])('refuses %s', async (query, field) => {
    const { owner, url } = await workspaceWithConversation();
    const response = await owner.client.get(`${url}?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    expect(response.json().error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  it('accepts a period of exactly 366 days', async () => {
    const { owner, url } = await workspaceWithConversation();
    const response = await owner.client.get(`${url}?from=2024-01-01&to=2024-12-31`);
    expect(response.statusCode).toBe(200);
  });

  it('lets every role read, and answers 401 signed out and 404 for another workspace', async () => {
    const { owner, url } = await workspaceWithConversation();
    for (const role of ['admin', 'viewer', 'support'] as const) {
      const member = await addMember(testApp, owner, role);
      expect({ role, status: (await member.client.get(url)).statusCode }).toEqual({ role, status: 200 });
    }
    expect((await owner.client.get(url)).statusCode).toBe(200);
    expect((await new TestClient(testApp).get(url)).statusCode).toBe(401);
    const stranger = await signUpOwner(testApp, 'Stranger');
    const response = await stranger.client.get(url);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
    expect((await stranger.client.get('/api/workspaces/not-a-uuid/usage')).statusCode).toBe(404);
    expect((await stranger.client.get(`${url.replace('/usage', '/usage.csv')}`)).statusCode).toBe(404);
  });
});

describe('resolveUsagePeriod', () => {
  const now = new Date('2025-03-15T18:00:00Z');
  it.each([
    [{}, { from: '2025-02-14', to: '2025-03-15' }],
    [{ to: '2025-01-31' }, { from: '2025-01-02', to: '2025-01-31' }],
    [{ from: '2025-03-01' }, { from: '2025-03-01', to: '2025-03-15' }],
    [
      { from: '2025-03-15', to: '2025-03-15' },
      { from: '2025-03-15', to: '2025-03-15' },
    ],
    [
      { from: '2024-03-16', to: '2025-03-15' },
      { from: '2024-03-16', to: '2025-03-15' },
    ],
    [{ to: '2024-03-01' }, { from: '2024-02-01', to: '2024-03-01' }],
  ])('%j → %j', (requested, expected) => {
    expect(resolveUsagePeriod(requested, now)).toEqual(expected);
  });

  it.each([
    [{ from: '2025-03-16', to: '2025-03-15' }],
    [{ from: '2024-03-14', to: '2025-03-15' }],
    [{ from: '2020-01-01' }],
    [{ from: '2025-03-16' }],
  ])('refuses %j', (requested) => {
    expect(() => resolveUsagePeriod(requested, now)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });
});

function pick(record: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((name) => name in record).map((name) => [name, record[name]]));
}
