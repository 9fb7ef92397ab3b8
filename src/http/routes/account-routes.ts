/** The signed-in user's own settings: alert mails on or off, and whether this server can send mail at all. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAccountPreferences, updateAccountPreferences } from '../../accounts/account-preferences.js';
import { requireUser } from '../plugins/session-auth.js';

const accountSchema = z.object({ email: z.string(), alertEmails: z.boolean(), emailConfigured: z.boolean() });

export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;
  const emailConfigured = Boolean(app.context.config.SMTP_URL);

  app.get(
    '/api/account',
    { schema: { tags: ['auth'], response: { 200: accountSchema } } },
    async (request) => {
      const user = await requireUser(request);
      return { ...(await readAccountPreferences(db, user.id)), emailConfigured };
    },
  );

  app.patch(
    '/api/account',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ alertEmails: z.boolean().optional() }).strict(),
        response: { 200: accountSchema },
      },
    },
    async (request) => {
      const user = await requireUser(request);
      return { ...(await updateAccountPreferences(db, user.id, request.body)), emailConfigured };
    },
  );
};
