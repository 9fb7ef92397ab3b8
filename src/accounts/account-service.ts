/** Sign-up and sign-in. A new account always comes with its own workspace, of which it is the owner. */
import { eq } from 'drizzle-orm';
import { AppError } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { memberships, users, workspaces } from '../db/schema.js';
import { getDecoyPasswordHash, hashPassword, verifyPassword } from './passwords.js';

export interface UserView {
  id: string;
  email: string;
  createdAt: Date;
}

export interface WorkspaceView {
  id: string;
  name: string;
}

/** Emails are compared case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function signUp(
  db: Database,
  input: { email: string; password: string; workspaceName: string },
): Promise<{ user: UserView; workspace: WorkspaceView }> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const userId = crypto.randomUUID();
  const workspaceId = crypto.randomUUID();
  return db.transaction(async (transaction) => {
    const [user] = await transaction
      .insert(users)
      .values({ id: userId, email, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id, email: users.email, createdAt: users.createdAt });
    if (!user) {
      throw new AppError('conflict', {
        message: 'An account with this email already exists; sign in instead.',
      });
    }
    const [workspace] = await transaction
      .insert(workspaces)
      .values({ id: workspaceId, name: input.workspaceName.trim() })
      .returning({ id: workspaces.id, name: workspaces.name });
    await transaction.insert(memberships).values({ workspaceId, userId, role: 'owner' });
    return { user, workspace: workspace! };
  });
}

/**
 * The user whose email and password match, or null. An unknown email still costs one argon2 verify,
 * so the answer and its timing do not reveal which emails have accounts.
 */
export async function authenticate(
  db: Database,
  input: { email: string; password: string },
): Promise<UserView | null> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(input.email)))
    .limit(1);
  const isValid = await verifyPassword(user?.passwordHash ?? (await getDecoyPasswordHash()), input.password);
  return user && isValid ? { id: user.id, email: user.email, createdAt: user.createdAt } : null;
}

export async function findUserById(db: Database, userId: string): Promise<UserView | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return user ?? null;
}

/** Whether anyone has signed up on this instance yet (a new instance opens its admin on sign-up). */
export async function hasAnyAccount(db: Database): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).limit(1);
  return row !== undefined;
}
