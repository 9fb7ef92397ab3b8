/**
 * Invitations: single-use tokens, stored hashed, valid for 7 days. Accepting creates the account
 * (or links an existing one, whose password must then match) and adds the membership.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { normalizeEmail } from '../accounts/account-service.js';
import { getDecoyPasswordHash, hashPassword, verifyPassword } from '../accounts/passwords.js';
import { createSecretToken, hashSecretToken } from '../accounts/secret-token.js';
import { AppError } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { invitations, memberships, users } from '../db/schema.js';
import type { InvitableRole } from './permissions.js';

export const INVITATION_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

export interface CreatedInvitation {
  id: string;
  email: string;
  role: InvitableRole;
  token: string;
  expiresAt: Date;
}

export async function createInvitation(
  db: Database,
  input: { workspaceId: string; email: string; role: InvitableRole; invitedBy: string },
  now = new Date(),
): Promise<CreatedInvitation> {
  const token = createSecretToken();
  const invitation = {
    id: crypto.randomUUID(),
    workspaceId: input.workspaceId,
    email: normalizeEmail(input.email),
    role: input.role,
    tokenHash: hashSecretToken(token),
    invitedBy: input.invitedBy,
    expiresAt: new Date(now.getTime() + INVITATION_VALIDITY_MS),
    createdAt: now,
  };
  await db.insert(invitations).values(invitation);
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    token,
    expiresAt: invitation.expiresAt,
  };
}

const unusableInvitation = () =>
  new AppError('not_found', { message: 'This invitation is invalid, expired or already used.' });

/** Accepts an invitation. Returns who joined which workspace. */
export async function acceptInvitation(
  db: Database,
  input: { token: string; password: string },
  now = new Date(),
): Promise<{ userId: string; email: string; workspaceId: string; role: InvitableRole; isNewUser: boolean }> {
  const tokenHash = hashSecretToken(input.token);
  const [invitation] = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tokenHash, tokenHash),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .limit(1);
  if (!invitation) throw unusableInvitation();

  const [existing] = await db.select().from(users).where(eq(users.email, invitation.email)).limit(1);
  const isPasswordValid = await verifyPassword(
    existing?.passwordHash ?? (await getDecoyPasswordHash()),
    input.password,
  );
  if (existing && !isPasswordValid) {
    throw new AppError('invalid_credentials', {
      message: 'This email already has a BestAI account; enter its password to join.',
    });
  }
  const passwordHash = existing ? null : await hashPassword(input.password);

  return db.transaction(async (transaction) => {
    // Claim the token first: of two concurrent accepts, only one updates the row.
    const claimed = await transaction
      .update(invitations)
      .set({ acceptedAt: now })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (claimed.length === 0) throw unusableInvitation();
    const userId = existing?.id ?? crypto.randomUUID();
    if (!existing) {
      await transaction
        .insert(users)
        .values({ id: userId, email: invitation.email, passwordHash: passwordHash! });
    }
    await transaction
      .insert(memberships)
      .values({ workspaceId: invitation.workspaceId, userId, role: invitation.role })
      .onConflictDoNothing();
    return {
      userId,
      email: invitation.email,
      workspaceId: invitation.workspaceId,
      role: invitation.role,
      isNewUser: !existing,
    };
  });
}
