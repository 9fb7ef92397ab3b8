/** Sign-up, sign-in, sign-out and "who am I" (contract: Auth and people). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticate, signUp } from '../../accounts/account-service.js';
import { createSession, deleteSession } from '../../accounts/session-store.js';
import { AppError } from '../../app-error.js';
import { listWorkspacesOf } from '../../workspaces/member-service.js';
import { permissionsOf } from '../../workspaces/permissions.js';
import { enforceLimit } from '../plugins/rate-limits.js';
import {
  clearSessionCookie,
  readSessionToken,
  requireUser,
  setSessionCookie,
} from '../plugins/session-auth.js';
import { emailSchema, passwordSchema, userSchema, workspaceSummarySchema } from './schemas.js';

const workspacesWithPermissions = z.array(
  workspaceSummarySchema.extend({ permissions: z.array(z.string()) }),
);

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;

  app.post(
    '/api/auth/signup',
    {
      schema: {
        tags: ['auth'],
        body: z.object({
          email: emailSchema,
          password: passwordSchema,
          workspaceName: z.string().trim().min(1).max(100),
        }),
        response: {
          201: z.object({ user: userSchema, workspace: z.object({ id: z.string(), name: z.string() }) }),
        },
      },
    },
    async (request, reply) => {
      const { user, workspace } = await signUp(db, request.body);
      setSessionCookie(reply, await createSession(db, user.id));
      return reply.status(201).send({ user: { id: user.id, email: user.email }, workspace });
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ email: z.string().max(320), password: z.string().max(4096) }),
        response: { 200: z.object({ user: userSchema, workspaces: z.array(workspaceSummarySchema) }) },
      },
    },
    async (request, reply) => {
      const { loginFailuresPerIp, loginFailuresPerEmail } = app.limiters;
      const message = 'Too many failed sign-in attempts; wait a minute and try again.';
      await enforceLimit(loginFailuresPerIp, request, { peek: true, message });
      await enforceLimit(loginFailuresPerEmail, request, { peek: true, message });
      const user = await authenticate(db, request.body);
      if (!user) {
        await Promise.all([loginFailuresPerIp(request), loginFailuresPerEmail(request)]);
        throw new AppError('invalid_credentials', { message: 'The email or password is not correct.' });
      }
      // A fresh token on every sign-in, so a token planted before sign-in is never promoted.
      const previous = readSessionToken(request);
      if (previous) await deleteSession(db, previous);
      setSessionCookie(reply, await createSession(db, user.id));
      return { user: { id: user.id, email: user.email }, workspaces: await listWorkspacesOf(db, user.id) };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async (request, reply) => {
    const token = readSessionToken(request);
    if (token) await deleteSession(db, token);
    clearSessionCookie(reply);
    return reply.status(204).send();
  });

  app.get(
    '/api/me',
    {
      schema: {
        tags: ['auth'],
        response: { 200: z.object({ user: userSchema, workspaces: workspacesWithPermissions }) },
      },
    },
    async (request) => {
      const user = await requireUser(request);
      const workspaces = await listWorkspacesOf(db, user.id);
      return {
        user,
        workspaces: workspaces.map((workspace) => ({
          ...workspace,
          permissions: permissionsOf(workspace.role),
        })),
      };
    },
  );
};
