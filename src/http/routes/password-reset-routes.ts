/**
 * Password reset (contract: Accounts and mail). The request answers 202 whatever the email; the token
 * routes check and spend a single-use token from the mail.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  isPasswordResetUsable,
  requestPasswordReset,
  resetPassword,
  unusableToken,
} from '../../accounts/password-reset.js';
import { enforceLimit } from '../plugins/rate-limits.js';
import { clearSessionCookie } from '../plugins/session-auth.js';
import { emailSchema, passwordSchema } from './schemas.js';

const tokenParams = z.object({ token: z.string().max(128) });

export const passwordResetRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;
  const isEmailConfigured = Boolean(app.context.config.SMTP_URL);
  // Per client address; a per-email limit is in the queue (one mail per email per few minutes), silent so
  // that it says nothing about whether the email has an account.
  const requestsPerIp = app.createRateLimit({
    max: 10,
    timeWindow: 15 * 60_000,
    keyGenerator: (request) => `password-reset-ip|${request.ip}`,
  });
  const attemptsPerIp = app.createRateLimit({
    max: 30,
    timeWindow: 15 * 60_000,
    keyGenerator: (request) => `password-reset-token-ip|${request.ip}`,
  });

  app.post(
    '/api/auth/password-reset',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ email: emailSchema }),
        response: { 202: z.object({ emailConfigured: z.boolean() }) },
      },
    },
    async (request, reply) => {
      await enforceLimit(requestsPerIp, request, {
        message: 'Too many reset requests from here; wait a few minutes and try again.',
      });
      if (isEmailConfigured) {
        await requestPasswordReset(db, request.body.email);
        app.jobRunner.wake();
      }
      return reply.status(202).send({ emailConfigured: isEmailConfigured });
    },
  );

  app.get(
    '/api/auth/password-reset/:token',
    {
      schema: {
        tags: ['auth'],
        params: tokenParams,
        response: { 200: z.object({ usable: z.literal(true) }) },
      },
    },
    async (request) => {
      await enforceLimit(attemptsPerIp, request);
      if (!(await isPasswordResetUsable(db, request.params.token))) {
        throw unusableToken();
      }
      return { usable: true as const };
    },
  );

  app.post(
    '/api/auth/password-reset/:token',
    {
      schema: {
        tags: ['auth'],
        params: tokenParams,
        body: z.object({ password: passwordSchema }),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      await enforceLimit(attemptsPerIp, request);
      await resetPassword(db, { token: request.params.token, password: request.body.password });
      // Every session of the user ended, this browser's too: sign in again with the new password.
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );
};
