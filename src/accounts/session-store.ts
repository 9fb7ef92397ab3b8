/**
 * Sign-in sessions: a random token in an HttpOnly cookie, stored only as its SHA-256 hash.
 * Sessions expire after 30 idle days; each use renews them (at most once an hour, to keep reads cheap).
 */
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { sessions, users } from '../db/schema.js';
import { createSecretToken, hashSecretToken } from './secret-token.js';

export const SESSION_IDLE_MS = 30 * 24 * 60 * 60 * 1000;
const RENEW_AFTER_MS = 60 * 60 * 1000;

export interface SessionUser {
  id: string;
  email: string;
}

/** Starts a fresh session for the user and returns its token (shown once, to the cookie). */
export async function createSession(db: Database, userId: string, now = new Date()): Promise<string> {
  const token = createSecretToken();
  await db.insert(sessions).values({
    tokenHash: hashSecretToken(token),
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
  });
  return token;
}

/** The signed-in user for a session token, or null when unknown or expired. Renews the expiry. */
export async function findSessionUser(
  db: Database,
  token: string,
  now = new Date(),
): Promise<SessionUser | null> {
  const tokenHash = hashSecretToken(token);
  const [row] = await db
    .select({ id: users.id, email: users.email, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
    .limit(1);
  if (!row) return null;
  const renewedExpiry = now.getTime() + SESSION_IDLE_MS;
  if (renewedExpiry - row.expiresAt.getTime() > RENEW_AFTER_MS) {
    await db
      .update(sessions)
      .set({ expiresAt: new Date(renewedExpiry) })
      .where(eq(sessions.tokenHash, tokenHash));
  }
  return { id: row.id, email: row.email };
}

export async function deleteSession(db: Database, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashSecretToken(token)));
}

/** Removes expired sessions; called now and then, not on the request path. */
export async function deleteExpiredSessions(db: Database, now = new Date()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
