import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmKeys, workspaces } from '../../db/schema.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { LAST_USED_WRITE_INTERVAL_MS, recordKeyFailure, recordKeySuccess } from './key-health.js';

let database: TestDatabase;
const workspaceId = crypto.randomUUID();
const target = { workspaceId, provider: 'openai' as const };

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.insert(workspaces).values({ id: workspaceId, name: 'Health' });
  await database.db
    .insert(llmKeys)
    .values({ ...target, ciphertext: 'v1.x', secretId: 'x', maskedKey: 'sk-...abcd' });
});
afterAll(() => database.dispose());

const row = async () =>
  (await database.db.select().from(llmKeys).where(eq(llmKeys.workspaceId, workspaceId)))[0]!;

describe('last used and last error', () => {
  it('writes lastUsedAt at most once per interval, but always clears an error', async () => {
    const start = new Date('2026-01-01T10:00:00.000Z');
    await recordKeySuccess(database.db, target, start);
    expect((await row()).lastUsedAt?.toISOString()).toBe(start.toISOString());

    const soon = new Date(start.getTime() + LAST_USED_WRITE_INTERVAL_MS - 1000);
    await recordKeySuccess(database.db, target, soon);
    expect((await row()).lastUsedAt?.toISOString()).toBe(start.toISOString());

    await recordKeyFailure(database.db, target, { code: 'rate_limited', message: 'Slow down.' }, soon);
    expect((await row()).lastErrorCode).toBe('rate_limited');
    await recordKeySuccess(database.db, target, soon);
    expect(await row()).toMatchObject({ lastErrorCode: null, lastErrorMessage: null });
    expect((await row()).lastUsedAt?.toISOString()).toBe(soon.toISOString());

    const later = new Date(soon.getTime() + LAST_USED_WRITE_INTERVAL_MS + 1000);
    await recordKeySuccess(database.db, target, later);
    expect((await row()).lastUsedAt?.toISOString()).toBe(later.toISOString());
  });
});
