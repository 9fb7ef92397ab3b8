/**
 * The cost of a reply, as the statement that stores it computes it: exact decimals (PostgreSQL `numeric`),
 * cache reads and writes at their own prices, the workspace's price over the shipped one, and no cost when
 * no price or no usage is known.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeReply, type ReplyRecord } from '../chat/reply-store.js';
import { chatbots, conversations, messages, modelPrices, usageDays, workspaces } from '../db/schema.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';

let database: TestDatabase;
const workspaceId = crypto.randomUUID();
const chatbotId = crypto.randomUUID();
const conversationId = crypto.randomUUID();

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.insert(workspaces).values({ id: workspaceId, name: 'Costs' });
  await database.db
    .insert(chatbots)
    .values({ id: chatbotId, workspaceId, publicId: `cb_${chatbotId}`, name: 'Bot' });
  await database.db
    .insert(conversations)
    .values({ id: conversationId, workspaceId, chatbotId, visitorTokenHash: 'x' });
  // The workspace's own prices: one for a model BestAI does not know, one over a shipped price.
  await database.db.insert(modelPrices).values([
    {
      workspaceId,
      provider: 'openai',
      model: 'ft:gpt-4o-mini:acme',
      inputPerMTok: '0.30',
      outputPerMTok: '1.20',
    },
    {
      workspaceId,
      provider: 'deepseek',
      model: 'deepseek-chat',
      inputPerMTok: '0.1',
      outputPerMTok: '0.2',
      cacheReadPerMTok: '0.01',
    },
  ]);
});
afterAll(() => database.dispose());

interface Case {
  name: string;
  provider: string;
  model: string;
  tokens: [input: number | null, output: number | null, cacheRead: number, cacheWrite: number];
  costUsd: string | null;
}

const cases: Case[] = [
  {
    name: 'a million input tokens at the shipped price',
    provider: 'openai',
    model: 'gpt-4o-mini',
    tokens: [1_000_000, 0, 0, 0],
    costUsd: '0.15',
  },
  // 123 × $1 + 45 × $5 per million
  {
    name: 'input and output',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    tokens: [123, 45, 0, 0],
    costUsd: '0.000348',
  },
  // 200 uncached × $1 + 1,500 read × $0.10 + 300 written × $1.25 + 10 × $5, per million
  {
    name: 'Anthropic cache reads and writes',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    tokens: [2_000, 10, 1_500, 300],
    costUsd: '0.000775',
  },
  // 81 uncached × $0.15 + 1,920 cached × $0.075 + 9 × $0.60
  {
    name: 'OpenAI cached tokens',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    tokens: [2_001, 9, 1_920, 0],
    costUsd: '0.00016155',
  },
  {
    name: 'one cached token, the smallest price',
    provider: 'openai',
    model: 'gpt-5-nano',
    tokens: [1, 0, 1, 0],
    costUsd: '0.000000005',
  },
  // 0.1 + 0.2 is 0.3 here, not 0.30000000000000004
  {
    name: 'no float rounding',
    provider: 'deepseek',
    model: 'deepseek-chat',
    tokens: [1_000_000, 1_000_000, 0, 0],
    costUsd: '0.3',
  },
  // the workspace price: cache reads at its $0.01, not the shipped $0.028
  {
    name: 'the workspace price wins',
    provider: 'deepseek',
    model: 'deepseek-chat',
    tokens: [1_300, 0, 1_280, 0],
    costUsd: '0.0000148',
  },
  // no cache price set: cached tokens at the input price
  {
    name: 'a workspace price for an unknown model',
    provider: 'openai',
    model: 'ft:gpt-4o-mini:acme',
    tokens: [1_000, 1_000, 500, 0],
    costUsd: '0.0015',
  },
  {
    name: 'Groq without a cache price',
    provider: 'groq',
    model: 'llama-3.1-70b-versatile',
    tokens: [45, 8, 0, 0],
    costUsd: '0.00003287',
  },
  {
    name: 'price unknown',
    provider: 'openai',
    model: 'gpt-unknown-9',
    tokens: [100, 10, 0, 0],
    costUsd: null,
  },
  {
    name: 'usage unknown (cut off before the provider reported it)',
    provider: 'openai',
    model: 'gpt-4o-mini',
    tokens: [null, null, 0, 0],
    costUsd: null,
  },
  {
    name: 'a failed reply costs nothing',
    provider: 'openai',
    model: 'gpt-4o-mini',
    tokens: [0, 0, 0, 0],
    costUsd: '0',
  },
  {
    name: 'a large reply stays exact',
    provider: 'anthropic',
    model: 'claude-opus-4-1',
    tokens: [1_999_999_999, 1_999_999_999, 0, 0],
    costUsd: '179999.99991',
  },
];

const replyOf = (testCase: Case): ReplyRecord => ({
  id: crypto.randomUUID(),
  conversationId,
  workspaceId,
  chatbotId,
  status: 'complete',
  content: 'answer',
  provider: testCase.provider,
  keySource: 'workspace',
  maskedKey: 'sk-...abcd',
  model: testCase.model,
  inputTokens: testCase.tokens[0],
  outputTokens: testCase.tokens[1],
  cacheReadTokens: testCase.tokens[2],
  cacheWriteTokens: testCase.tokens[3],
  timeToFirstTokenMs: 10,
  durationMs: 20,
  errorCode: null,
  fallbackFrom: null,
});

describe('the cost of a reply', () => {
  it.each(cases)('$name → $costUsd', async (testCase) => {
    const reply = replyOf(testCase);
    // The row as the visitor's message left it (turn-context.ts): streaming, no text yet.
    await database.db.insert(messages).values({
      id: reply.id,
      conversationId,
      workspaceId,
      role: 'assistant',
      content: '',
      status: 'streaming',
      createdAt: new Date('2026-02-03T10:00:00Z'),
    });
    const stored = await storeReply(database.db, reply);
    expect(stored.costUsd).toBe(testCase.costUsd);
    const [row] = await database.db
      .select({
        costUsd: messages.costUsd,
        cacheReadTokens: messages.cacheReadTokens,
        cacheWriteTokens: messages.cacheWriteTokens,
      })
      .from(messages)
      .where(eq(messages.id, reply.id));
    expect(row).toEqual({
      costUsd: testCase.costUsd,
      cacheReadTokens: testCase.tokens[2],
      cacheWriteTokens: testCase.tokens[3],
    });
  });

  it('adds each reply to its day, with what caching saved and the replies without a price', async () => {
    const rows = await database.db.select().from(usageDays).where(eq(usageDays.workspaceId, workspaceId));
    const haiku = rows.find((row) => row.model === 'claude-haiku-4-5')!;
    // 0.000348 + 0.000775; saved: 1,500 read × ($1 − $0.10) per million
    expect(haiku).toMatchObject({
      messages: 2,
      inputTokens: 2_123,
      outputTokens: 55,
      cacheReadTokens: 1_500,
      cacheWriteTokens: 300,
    });
    expect(haiku.costUsd).toBe('0.001123');
    expect(haiku.savedByCachingUsd).toBe('0.00135');
    expect(rows.find((row) => row.model === 'gpt-unknown-9')).toMatchObject({
      messages: 1,
      unpriced: 1,
      costUsd: '0',
    });
  });
});
