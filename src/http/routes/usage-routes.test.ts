import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUsagePeriod } from '../../chat/usage-queries.js';
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

type MessageSeed = Partial<typeof messages.$inferInsert> & { createdAt: Date };

/** A workspace with one chatbot and one conversation, to hang seeded messages on. */
async function workspaceWithConversation() {
  const owner = await signUpOwner(testApp);
  const created = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, { name: 'Bot' });
  const conversationId = randomUUID();
  await testApp.database.db.insert(conversations).values({
    id: conversationId,
    workspaceId: owner.workspaceId,
    chatbotId: created.json().id,
    visitorTokenHash: 'f'.repeat(64),
  });
  const seed = async (rows: MessageSeed[]) => {
    for (const row of rows) {
      await testApp.database.db.insert(messages).values({
        id: randomUUID(),
        conversationId,
        workspaceId: owner.workspaceId,
        role: 'assistant',
        content: 'answer',
        status: 'complete',
        ...row,
      });
    }
  };
  return { owner, seed, url: `/api/workspaces/${owner.workspaceId}/usage` };
}

const at = (text: string) => new Date(text);
const platform = { provider: 'anthropic', keySource: 'platform' as const };
const ownAnthropic = { provider: 'anthropic', keySource: 'workspace' as const, maskedKey: 'sk-ant-...aaaa' };
const ownOpenai = { provider: 'openai', keySource: 'workspace' as const, maskedKey: 'sk-...bbbb' };

describe('usage', () => {
  it('sums assistant messages per UTC day, provider and key, with totals', async () => {
    const { owner, seed, url } = await workspaceWithConversation();
    await seed([
      // 2025-03-01: platform twice, own Anthropic key once.
      { ...platform, inputTokens: 100, outputTokens: 10, createdAt: at('2025-03-01T00:00:00Z') },
      { ...platform, inputTokens: 200, outputTokens: 20, createdAt: at('2025-03-01T23:59:59.999Z') },
      { ...ownAnthropic, inputTokens: 1_000, outputTokens: 100, createdAt: at('2025-03-01T12:00:00Z') },
      // 2025-03-02: own OpenAI key, and an interrupted answer whose output is unknown.
      { ...ownOpenai, inputTokens: 50, outputTokens: 5, createdAt: at('2025-03-02T08:00:00Z') },
      {
        ...ownOpenai,
        status: 'interrupted',
        inputTokens: 70,
        outputTokens: null,
        createdAt: at('2025-03-02T09:00:00Z'),
      },
      // A key that was replaced later keeps its own row.
      {
        ...ownOpenai,
        maskedKey: 'sk-...cccc',
        inputTokens: 7,
        outputTokens: 3,
        createdAt: at('2025-03-02T10:00:00Z'),
      },
      // 2025-03-03: the whole day belongs to the period's last day.
      { ...ownAnthropic, inputTokens: 1, outputTokens: 2, createdAt: at('2025-03-03T23:59:59.999Z') },
      // Not counted: visitor messages, messages that never reached a provider, outside the period.
      { role: 'user', inputTokens: 9_999, outputTokens: 9_999, createdAt: at('2025-03-01T10:00:00Z') },
      { status: 'failed', createdAt: at('2025-03-01T10:00:00Z') },
      { ...platform, inputTokens: 9_999, outputTokens: 9_999, createdAt: at('2025-02-28T23:59:59.999Z') },
      { ...platform, inputTokens: 9_999, outputTokens: 9_999, createdAt: at('2025-03-04T00:00:00Z') },
    ]);
    // Another workspace's usage on the same days never shows.
    const stranger = await workspaceWithConversation();
    await stranger.seed([
      { ...platform, inputTokens: 5_555, outputTokens: 5_555, createdAt: at('2025-03-01T10:00:00Z') },
    ]);

    const response = await owner.client.get(`${url}?from=2025-03-01&to=2025-03-03`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      from: '2025-03-01',
      to: '2025-03-03',
      days: [
        { day: '2025-03-01', ...platform, maskedKey: null, inputTokens: 300, outputTokens: 30, messages: 2 },
        { day: '2025-03-01', ...ownAnthropic, inputTokens: 1_000, outputTokens: 100, messages: 1 },
        { day: '2025-03-02', ...ownOpenai, inputTokens: 120, outputTokens: 5, messages: 2 },
        {
          day: '2025-03-02',
          ...ownOpenai,
          maskedKey: 'sk-...cccc',
          inputTokens: 7,
          outputTokens: 3,
          messages: 1,
        },
        { day: '2025-03-03', ...ownAnthropic, inputTokens: 1, outputTokens: 2, messages: 1 },
      ],
      totals: {
        byProvider: [
          { provider: 'anthropic', inputTokens: 1_301, outputTokens: 132, messages: 4 },
          { provider: 'openai', inputTokens: 127, outputTokens: 8, messages: 3 },
        ],
        byKey: [
          { ...platform, maskedKey: null, inputTokens: 300, outputTokens: 30, messages: 2 },
          { ...ownAnthropic, inputTokens: 1_001, outputTokens: 102, messages: 2 },
          { ...ownOpenai, inputTokens: 120, outputTokens: 5, messages: 2 },
          { ...ownOpenai, maskedKey: 'sk-...cccc', inputTokens: 7, outputTokens: 3, messages: 1 },
        ],
      },
    });

    const oneDay = (await owner.client.get(`${url}?from=2025-03-02&to=2025-03-02`)).json();
    expect(oneDay.days.map((row: { day: string }) => row.day)).toEqual(['2025-03-02', '2025-03-02']);
    expect(oneDay.totals.byProvider).toEqual([
      { provider: 'openai', inputTokens: 127, outputTokens: 8, messages: 3 },
    ]);

    const empty = (await owner.client.get(`${url}?from=2024-01-01&to=2024-01-31`)).json();
    expect(empty).toEqual({
      from: '2024-01-01',
      to: '2024-01-31',
      days: [],
      totals: { byProvider: [], byKey: [] },
    });
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
    const response = await owner.client.get(`${url}?from=2025-03-01&to=2025-03-01`);
    expect(response.json().days).toEqual([
      { day: '2025-03-01', ...platform, maskedKey: null, inputTokens: 2, outputTokens: 2, messages: 2 },
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
    expect(body.totals.byProvider).toEqual([
      { provider: 'anthropic', inputTokens: 4, outputTokens: 2, messages: 1 },
    ]);
  });

  it.each([
    ['from=2025-03-02&to=2025-03-01', 'from'],
    ['from=2024-01-01&to=2025-01-01', 'from'],
    ['from=03/01/2025', 'from'],
    ['to=2025-02-29', 'to'],
    ['from=2025-03-01T00:00:00Z', 'from'],
    ['to=tomorrow', 'to'],
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
