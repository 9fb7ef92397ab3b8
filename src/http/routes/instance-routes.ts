/**
 * `GET /api/instance`: what the admin needs to know about this server before anyone signs in — whether it
 * has accounts yet (a new instance opens on sign-up, not sign-in) and whether it has a platform key (without
 * one, nothing answers visitors until a workspace adds its own key). Public: it reveals no one's data.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasAnyAccount } from '../../accounts/account-service.js';

export const instanceRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config, database } = app.context;
  app.get(
    '/api/instance',
    {
      schema: {
        tags: ['auth'],
        response: { 200: z.object({ hasAccounts: z.boolean(), hasPlatformKey: z.boolean() }) },
      },
    },
    async () => ({
      hasAccounts: await hasAnyAccount(database.db),
      hasPlatformKey: config.PLATFORM_ANTHROPIC_API_KEY !== undefined,
    }),
  );
};
