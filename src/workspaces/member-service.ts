/** Workspace membership: who belongs, with which role. A workspace always keeps at least one owner. */
import { and, asc, eq } from 'drizzle-orm';
import { AppError, notFound } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { memberships, users, workspaces } from '../db/schema.js';
import type { Role } from './permissions.js';

export interface MemberView {
  userId: string;
  email: string;
  role: Role;
  createdAt: Date;
}

/** The user's role in the workspace, or null when they are not a member (or it does not exist). */
export async function findRole(db: Database, workspaceId: string, userId: string): Promise<Role | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1);
  return row?.role ?? null;
}

export async function listWorkspacesOf(
  db: Database,
  userId: string,
): Promise<Array<{ id: string; name: string; role: Role }>> {
  return db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
}

export async function listMembers(db: Database, workspaceId: string): Promise<MemberView[]> {
  return db
    .select({
      userId: users.id,
      email: users.email,
      role: memberships.role,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(memberships.createdAt));
}

async function findMember(db: Database, workspaceId: string, userId: string): Promise<MemberView> {
  const [member] = await db
    .select({
      userId: users.id,
      email: users.email,
      role: memberships.role,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .limit(1);
  if (!member) throw notFound('The member');
  return member;
}

/**
 * Refuses when the workspace has no owner besides the one about to be demoted or removed. The owners' rows
 * are locked (`for update`) for the rest of the transaction, so two concurrent demotions of two owners
 * are decided one after the other: the second sees the first's change and is refused.
 */
async function assertAnotherOwnerRemains(db: Database, workspaceId: string): Promise<void> {
  const owners = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')))
    .for('update');
  if (owners.length <= 1) {
    throw new AppError('conflict', {
      message: 'A workspace needs at least one owner; make someone else owner first.',
    });
  }
}

/** Changes a member's role; refuses to demote the last owner. Returns the member before and after. */
export async function changeMemberRole(
  db: Database,
  workspaceId: string,
  userId: string,
  role: Role,
): Promise<{ before: MemberView; after: MemberView }> {
  return db.transaction(async (transaction) => {
    const before = await findMember(transaction, workspaceId, userId);
    if (before.role === 'owner' && role !== 'owner')
      await assertAnotherOwnerRemains(transaction, workspaceId);
    await transaction
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    return { before, after: { ...before, role } };
  });
}

/** Removes a member; refuses to remove the last owner. Returns the removed member. */
export async function removeMember(db: Database, workspaceId: string, userId: string): Promise<MemberView> {
  return db.transaction(async (transaction) => {
    const member = await findMember(transaction, workspaceId, userId);
    if (member.role === 'owner') await assertAnotherOwnerRemains(transaction, workspaceId);
    await transaction
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    return member;
  });
}
