/**
 * Password reset. A request only queues a job, so known and unknown emails get the same answer in the
 * same time; the job (if the email has an account) creates a single-use token valid for one hour, stores
 * its SHA-256, and queues the mail. Using the token sets the password, spends every outstanding reset
 * token of that user, and ends all of that user's sessions.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../app-error.js';
import type { Database } from '../db/connect.js';
import { passwordResets, sessions, users } from '../db/schema.js';
import { enqueueJob } from '../jobs/job-queue.js';
import { PermanentJobError, type JobHandlers } from '../jobs/job-runner.js';
import { enqueueMail } from '../mail/mail-queue.js';
import type { Keyring } from '../vault/index.js';
import { normalizeEmail } from './account-service.js';
import { hashPassword } from './passwords.js';
import { createSecretToken, hashSecretToken } from './secret-token.js';

export const PASSWORD_RESET_VALIDITY_MS = 60 * 60 * 1000;
export const PASSWORD_RESET_JOB = 'password_reset.mail';
/** At most one reset mail per email in this window, however often it is asked for. */
const PER_EMAIL_WINDOW_MS = 5 * 60 * 1000;

/** Queues a reset for an email, whether or not it has an account. */
export async function requestPasswordReset(db: Database, email: string, now = new Date()): Promise<void> {
  const normalized = normalizeEmail(email);
  const window = Math.floor(now.getTime() / PER_EMAIL_WINDOW_MS);
  await enqueueJob(db, {
    kind: PASSWORD_RESET_JOB,
    payload: { email: normalized },
    dedupeKey: `${PASSWORD_RESET_JOB}:${normalized}:${window}`,
    maxAttempts: 5,
  });
}

const resetJobPayload = z.object({ email: z.string() });

/** The job that turns a reset request into a token and a mail; nothing at all for an unknown email. */
export function createPasswordResetJobHandlers(context: {
  db: Database;
  keyring: Keyring;
  publicUrl: string;
}): JobHandlers {
  return {
    async [PASSWORD_RESET_JOB](job) {
      const payload = resetJobPayload.safeParse(job.payload);
      if (!payload.success) throw new PermanentJobError('The reset request is not readable.');
      const { db } = context;
      const [user] = await db
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(eq(users.email, payload.data.email));
      if (!user) return;
      const token = createSecretToken();
      await db.transaction(async (transaction) => {
        await transaction.insert(passwordResets).values({
          tokenHash: hashSecretToken(token),
          userId: user.id,
          expiresAt: sql`now() + make_interval(secs => ${PASSWORD_RESET_VALIDITY_MS / 1000})`,
        });
        await enqueueMail(transaction, context.keyring, {
          to: user.email,
          content: { template: 'password_reset', email: user.email },
          link: `${context.publicUrl}/reset-password/${token}`,
          // A retried job makes a new token but never a second mail.
          dedupeKey: `${PASSWORD_RESET_JOB}:${job.id}`,
        });
      });
    },
  };
}

/** The one answer for a reset token that is unknown, expired or spent. */
export const unusableToken = () =>
  new AppError('not_found', {
    message: 'This reset link is invalid, expired or already used. Ask for a new one.',
  });

/** True while a reset token can still be used (the reset page asks before showing its form). */
export async function isPasswordResetUsable(db: Database, token: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: passwordResets.userId })
    .from(passwordResets)
    .where(
      and(
        eq(passwordResets.tokenHash, hashSecretToken(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, sql`now()`),
      ),
    );
  return Boolean(row);
}

/** Sets a new password with a reset token; throws `not_found` for a token that cannot be used. */
export async function resetPassword(db: Database, input: { token: string; password: string }): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (transaction) => {
    // Spending the token is the claim: of two concurrent uses, one updates the row.
    const [spent] = await transaction
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(passwordResets.tokenHash, hashSecretToken(input.token)),
          isNull(passwordResets.usedAt),
          gt(passwordResets.expiresAt, sql`now()`),
        ),
      )
      .returning({ userId: passwordResets.userId });
    if (!spent) throw unusableToken();
    await transaction.update(users).set({ passwordHash }).where(eq(users.id, spent.userId));
    await transaction
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.userId, spent.userId), isNull(passwordResets.usedAt)));
    await transaction.delete(sessions).where(eq(sessions.userId, spent.userId));
  });
}
