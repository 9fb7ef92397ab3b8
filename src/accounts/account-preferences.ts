/** A user's own settings: for now, whether workspace alerts reach them by mail. */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { users } from '../db/schema.js';

export interface AccountPreferences {
  email: string;
  alertEmails: boolean;
}

export async function readAccountPreferences(db: Database, userId: string): Promise<AccountPreferences> {
  const [row] = await db
    .select({ email: users.email, alertEmails: users.alertEmails })
    .from(users)
    .where(eq(users.id, userId));
  return row!;
}

export async function updateAccountPreferences(
  db: Database,
  userId: string,
  changes: { alertEmails?: boolean },
): Promise<AccountPreferences> {
  if (changes.alertEmails !== undefined) {
    await db.update(users).set({ alertEmails: changes.alertEmails }).where(eq(users.id, userId));
  }
  return readAccountPreferences(db, userId);
}
