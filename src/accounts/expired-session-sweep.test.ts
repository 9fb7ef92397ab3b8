import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { sessions, users } from '../db/schema.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { startExpiredSessionSweeper } from './expired-session-sweep.js';
import { createSession, findSessionUser } from './session-store.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

it('deletes expired sessions on start and then periodically, and keeps live ones', async () => {
  const { db } = database;
  const userId = crypto.randomUUID();
  await db.insert(users).values({ id: userId, email: 'sweep@example.com', passwordHash: 'x' });
  const live = await createSession(db, userId);
  await createSession(db, userId, new Date(Date.now() - 31 * 24 * 60 * 60 * 1000));
  const log = { warn: vi.fn() };
  const stop = startExpiredSessionSweeper(db, log, 50);
  try {
    await vi.waitFor(async () => {
      expect(await db.select().from(sessions).where(eq(sessions.userId, userId))).toHaveLength(1);
    });
    // A session that expires later is swept by a later round.
    await createSession(db, userId, new Date(Date.now() - 40 * 24 * 60 * 60 * 1000));
    await vi.waitFor(async () => {
      expect(await db.select().from(sessions).where(eq(sessions.userId, userId))).toHaveLength(1);
    });
    expect(await findSessionUser(db, live)).toEqual({ id: userId, email: 'sweep@example.com' });
    expect(log.warn).not.toHaveBeenCalled();
  } finally {
    stop();
  }
});
