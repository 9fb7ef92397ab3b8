import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatbots, conversations, messages, workspaces } from '../db/schema.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { STALE_AFTER_MS, sweepStaleReplies } from './stale-reply-sweep.js';

let database: TestDatabase;
const workspaceId = crypto.randomUUID();
const conversationId = crypto.randomUUID();

beforeAll(async () => {
  database = await createTestDatabase();
  const chatbotId = crypto.randomUUID();
  await database.db.insert(workspaces).values({ id: workspaceId, name: 'Sweep' });
  await database.db
    .insert(chatbots)
    .values({ id: chatbotId, workspaceId, publicId: `cb_${chatbotId}`, name: 'Bot' });
  await database.db
    .insert(conversations)
    .values({ id: conversationId, workspaceId, chatbotId, visitorTokenHash: 'x' });
});
afterAll(() => database.dispose());

async function reply(status: 'streaming' | 'complete', quietForMs: number): Promise<string> {
  const id = crypto.randomUUID();
  await database.db.insert(messages).values({
    id,
    conversationId,
    workspaceId,
    role: 'assistant',
    content: 'partial',
    status,
    updatedAt: sql`now() - make_interval(secs => ${quietForMs / 1000})`,
  });
  return id;
}

const statusOf = async (id: string) =>
  (await database.db.select().from(messages).where(eq(messages.id, id)))[0]!;

describe('the stale-reply sweep', () => {
  it('marks replies left streaming by a dead process interrupted, and nothing else', async () => {
    const abandoned = await reply('streaming', STALE_AFTER_MS + 5_000);
    const alive = await reply('streaming', 1_000);
    const finished = await reply('complete', STALE_AFTER_MS + 5_000);

    expect(await sweepStaleReplies(database.db)).toBe(1);
    expect(await statusOf(abandoned)).toMatchObject({
      status: 'interrupted',
      content: 'partial',
      errorCode: 'server_lost',
    });
    expect((await statusOf(alive)).status).toBe('streaming');
    expect((await statusOf(finished)).status).toBe('complete');
    // Idempotent: a second instance sweeping at the same moment changes nothing more.
    expect(await sweepStaleReplies(database.db)).toBe(0);
  });
});
