/**
 * Invitations: single-use tokens, stored hashed, valid for 7 days.
 *
 * Accepting never checks an existing account's password: the token holder is not necessarily the
 * account's owner, and an anonymous endpoint that verifies passwords is an unthrottled sign-in. An email
 * without an account gets one (the password chosen here); an email with an account joins only while
 * signed in as that account, through the ordinary, throttled sign-in.
 *
 * One rule for people already in the workspace: an invitation never changes an existing member's role
 * (that is a role change, made in Members by an owner and audited as one). Inviting a member is refused,
 * and so is accepting once the person has become a member by another way.
 */
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { normalizeEmail } from '../accounts/account-service.js';
import { hashPassword } from '../accounts/passwords.js';
import { createSecretToken, hashSecretToken } from '../accounts/secret-token.js';
import { AppError, notFound } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { invitations, memberships, users, workspaces } from '../db/schema.js';
import type { InvitableRole } from './permissions.js';

export const INVITATION_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

export interface CreatedInvitation {
  id: string;
  email: string;
  role: InvitableRole;
  /** Shown once, to whoever created (or renewed) the invitation; only its hash is stored. */
  token: string;
  expiresAt: Date;
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: InvitableRole;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** What the accept page shows the token holder before they act. */
export interface InvitationPreview {
  workspaceName: string;
  invitedBy: string | null;
  email: string;
  role: InvitableRole;
  /** True when the email already has an account: the page asks to sign in instead of a new password. */
  hasAccount: boolean;
  expiresAt: Date;
}

const unusableInvitation = () =>
  new AppError('not_found', { message: 'This invitation is invalid, expired or already used.' });

const alreadyMember = (email: string) =>
  new AppError('conflict', {
    message: `${email} is already a member of this workspace; an owner changes their role in Members.`,
  });

async function isMember(db: Database, workspaceId: string, email: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(users.email, email)))
    .limit(1);
  return row !== undefined;
}

/** Creates an invitation; refuses an email that is already a member of the workspace. */
export async function createInvitation(
  db: Database,
  input: { workspaceId: string; email: string; role: InvitableRole; invitedBy: string },
  now = new Date(),
): Promise<CreatedInvitation> {
  const email = normalizeEmail(input.email);
  if (await isMember(db, input.workspaceId, email)) throw alreadyMember(email);
  const token = createSecretToken();
  const invitation = {
    id: crypto.randomUUID(),
    workspaceId: input.workspaceId,
    email,
    role: input.role,
    tokenHash: hashSecretToken(token),
    invitedBy: input.invitedBy,
    expiresAt: new Date(now.getTime() + INVITATION_VALIDITY_MS),
    createdAt: now,
  };
  await db.insert(invitations).values(invitation);
  return { id: invitation.id, email, role: invitation.role, token, expiresAt: invitation.expiresAt };
}

const isPending = (now: Date) => and(isNull(invitations.acceptedAt), gt(invitations.expiresAt, now));

/** The pending invitations of a workspace (not accepted, not expired), oldest first. */
export async function listPendingInvitations(
  db: Database,
  workspaceId: string,
  now = new Date(),
): Promise<PendingInvitation[]> {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      invitedBy: users.email,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.workspaceId, workspaceId), isPending(now)))
    .orderBy(asc(invitations.createdAt));
}

/** Revokes a pending invitation: its link stops working at once. Returns what was revoked. */
export async function revokeInvitation(
  db: Database,
  workspaceId: string,
  invitationId: string,
  now = new Date(),
): Promise<{ email: string; role: InvitableRole }> {
  const [revoked] = await db
    .delete(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.workspaceId, workspaceId), isPending(now)))
    .returning({ email: invitations.email, role: invitations.role });
  if (!revoked) throw notFound('The invitation');
  return revoked;
}

/**
 * A new link for a pending invitation (the token is stored only hashed, so the old link cannot be shown
 * again): the previous link stops working, and the invitation is valid for another 7 days.
 */
export async function renewInvitationLink(
  db: Database,
  workspaceId: string,
  invitationId: string,
  now = new Date(),
): Promise<CreatedInvitation> {
  const token = createSecretToken();
  const [renewed] = await db
    .update(invitations)
    .set({ tokenHash: hashSecretToken(token), expiresAt: new Date(now.getTime() + INVITATION_VALIDITY_MS) })
    .where(and(eq(invitations.id, invitationId), eq(invitations.workspaceId, workspaceId), isPending(now)))
    .returning({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
    });
  if (!renewed) throw notFound('The invitation');
  return { ...renewed, token };
}

async function findPendingInvitation(db: Database, token: string, now: Date) {
  const [invitation] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, hashSecretToken(token)), isPending(now)))
    .limit(1);
  if (!invitation) throw unusableInvitation();
  return invitation;
}

async function findUserIdByEmail(db: Database, email: string): Promise<string | null> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  return user?.id ?? null;
}

/** The workspace, the inviter, the email and the role of a pending invitation, for its accept page. */
export async function previewInvitation(
  db: Database,
  token: string,
  now = new Date(),
): Promise<InvitationPreview> {
  const invitation = await findPendingInvitation(db, token, now);
  const [workspace] = await db
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, invitation.workspaceId))
    .limit(1);
  const [inviter] = invitation.invitedBy
    ? await db.select({ email: users.email }).from(users).where(eq(users.id, invitation.invitedBy)).limit(1)
    : [];
  return {
    workspaceName: workspace?.name ?? '',
    invitedBy: inviter?.email ?? null,
    email: invitation.email,
    role: invitation.role,
    hasAccount: (await findUserIdByEmail(db, invitation.email)) !== null,
    expiresAt: invitation.expiresAt,
  };
}

export interface AcceptedInvitation {
  userId: string;
  email: string;
  workspaceId: string;
  role: InvitableRole;
  isNewUser: boolean;
}

/**
 * Accepts an invitation. For an email with an account, `signedInUserId` must be that account (the
 * password is never looked at); otherwise `password` creates the account.
 */
export async function acceptInvitation(
  db: Database,
  input: { token: string; password?: string; signedInUserId?: string },
  now = new Date(),
): Promise<AcceptedInvitation> {
  const invitation = await findPendingInvitation(db, input.token, now);
  const existingUserId = await findUserIdByEmail(db, invitation.email);
  if (existingUserId !== null && input.signedInUserId === undefined) {
    throw new AppError('unauthenticated', {
      message: `${invitation.email} already has a BestAI account: sign in as ${invitation.email} to accept.`,
    });
  }
  if (existingUserId !== null && input.signedInUserId !== existingUserId) {
    throw new AppError('forbidden', {
      message: `This invitation is for ${invitation.email}: sign out, then sign in as ${invitation.email} to accept.`,
    });
  }
  if (existingUserId === null && !input.password) {
    throw new AppError('invalid_request', {
      message: 'Choose a password for your new account.',
      details: [{ field: 'password', message: 'is required' }],
    });
  }
  const passwordHash = existingUserId === null ? await hashPassword(input.password!) : null;

  return db.transaction(async (transaction) => {
    // Claim the token first: of two concurrent accepts, only one updates the row.
    const claimed = await transaction
      .update(invitations)
      .set({ acceptedAt: now })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (claimed.length === 0) throw unusableInvitation();
    let userId = existingUserId;
    if (userId === null) {
      const [created] = await transaction
        .insert(users)
        .values({ id: crypto.randomUUID(), email: invitation.email, passwordHash: passwordHash! })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id });
      // The account appeared meanwhile (a sign-up): it must sign in to accept, like any existing account.
      if (!created) {
        throw new AppError('conflict', {
          message: `${invitation.email} now has a BestAI account: sign in as ${invitation.email} to accept.`,
        });
      }
      userId = created.id;
    }
    const [joined] = await transaction
      .insert(memberships)
      .values({ workspaceId: invitation.workspaceId, userId, role: invitation.role })
      .onConflictDoNothing()
      .returning({ role: memberships.role });
    // Already a member (joined another way since the invitation): the role stays as it is, the token unused.
    if (!joined) throw alreadyMember(invitation.email);
    return {
      userId,
      email: invitation.email,
      workspaceId: invitation.workspaceId,
      role: invitation.role,
      isNewUser: existingUserId === null,
    };
  });
}
