import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatbots, conversations, llmKeys, messages, usageDays, workspaces } from '../db/schema.js';
import { recordKeyFailure } from '../llm/keys/key-health.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { LAST_USED_WRITE_INTERVAL_MS, storeReply, type ReplyRecord } from './reply-store.js';

let database: TestDatabase;
const workspaceId = crypto.randomUUID();
const conversationId = crypto.randomUUID();
const chatbotId = crypto.randomUUID();
const key = { workspaceId, chatbotId: null, provider: 'openai' as const };

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.insert(workspaces).values({ id: workspaceId, name: 'Replies' });
  await database.db
    .insert(chatbots)
    .values({ id: chatbotId, workspaceId, publicId: `cb_${chatbotId}`, name: 'Bot' });
  await database.db
    .insert(conversations)
    .values({ id: conversationId, workspaceId, chatbotId, visitorTokenHash: 'x' });
  await database.db
    .insert(llmKeys)
    .values({ ...key, ciphertext: 'v1.x', secretId: 'x', maskedKey: 'sk-...abcd' });
});
afterAll(() => database.dispose());

const keyRow = async () =>
  (await database.db.select().from(llmKeys).where(eq(llmKeys.workspaceId, workspaceId)))[0]!;
const reply = (at: Date, overrides: Partial<ReplyRecord> = {}): ReplyRecord => ({
  id: crypto.randomUUID(),
  conversationId,
  workspaceId,
  chatbotId,
  status: 'complete',
  content: 'Hello!',
  provider: 'openai',
  keySource: 'workspace',
  maskedKey: 'sk-...abcd',
  model: 'gpt-4o-mini',
  inputTokens: 12,
  outputTokens: 3,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  timeToFirstTokenMs: 40,
  durationMs: 90,
  errorCode: null,
  fallbackFrom: null,
  ...overrides,
});

/** The row as the visitor's message left it: `streaming`, no text yet (turn-context.ts). */
async function startedReply(at: Date, overrides: Partial<ReplyRecord> = {}): Promise<ReplyRecord> {
  const record = reply(at, overrides);
  await database.db.insert(messages).values({
    id: record.id,
    conversationId,
    workspaceId,
    role: 'assistant',
    content: '',
    status: 'streaming',
    createdAt: at,
  });
  return record;
}

describe('storing a reply', () => {
  it('stores every field, tokens included', async () => {
    const stored = await startedReply(new Date('2026-01-01T09:00:00.000Z'));
    await storeReply(database.db, stored);
    const [row] = await database.db.select().from(messages).where(eq(messages.id, stored.id));
    expect(row).toMatchObject({
      role: 'assistant',
      content: 'Hello!',
      status: 'complete',
      provider: 'openai',
      keySource: 'workspace',
      maskedKey: 'sk-...abcd',
      inputTokens: 12,
      outputTokens: 3,
      timeToFirstTokenMs: 40,
      durationMs: 90,
    });
    expect(row!.createdAt.toISOString()).toBe('2026-01-01T09:00:00.000Z');
    // Without a key to touch, the key row is untouched.
    expect((await keyRow()).lastUsedAt).toBeNull();
  });

  it('moves lastUsedAt at most once per interval, but always clears an error', async () => {
    const start = new Date('2026-01-01T10:00:00.000Z');
    await storeReply(database.db, await startedReply(start), {
      chatbotId: null,
      provider: 'openai',
      at: start,
    });
    expect((await keyRow()).lastUsedAt?.toISOString()).toBe(start.toISOString());

    const soon = new Date(start.getTime() + LAST_USED_WRITE_INTERVAL_MS - 1000);
    await storeReply(database.db, await startedReply(soon), {
      chatbotId: null,
      provider: 'openai',
      at: soon,
    });
    expect((await keyRow()).lastUsedAt?.toISOString()).toBe(start.toISOString());

    await recordKeyFailure(database.db, key, { code: 'rate_limited', message: 'Slow down.' }, soon);
    expect((await keyRow()).lastErrorCode).toBe('rate_limited');
    await storeReply(database.db, await startedReply(soon), {
      chatbotId: null,
      provider: 'openai',
      at: soon,
    });
    expect(await keyRow()).toMatchObject({ lastErrorCode: null, lastErrorMessage: null });
    expect((await keyRow()).lastUsedAt?.toISOString()).toBe(soon.toISOString());

    const later = new Date(soon.getTime() + LAST_USED_WRITE_INTERVAL_MS + 1000);
    await storeReply(database.db, await startedReply(later), {
      chatbotId: null,
      provider: 'openai',
      at: later,
    });
    expect((await keyRow()).lastUsedAt?.toISOString()).toBe(later.toISOString());
  });

  it('counts a reply in its day once, even when its final write runs again', async () => {
    const stored = await startedReply(new Date('2026-02-01T09:00:00.000Z'));
    await storeReply(database.db, stored);
    // A retry after a write whose commit was not seen.
    await storeReply(database.db, stored);
    const days = await database.db.select().from(usageDays).where(eq(usageDays.day, '2026-02-01'));
    expect(days).toEqual([
      expect.objectContaining({
        chatbotId,
        provider: 'openai',
        messages: 1,
        inputTokens: 12,
        costUsd: '0.0000036',
      }),
    ]);
  });
});
