/** Liveness and readiness for load balancers and orchestrators. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../app-error.js';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({
      status: 'ok' as const,
    }),
  );

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ready') }) } } },
    async () => {
      try {
        await app.context.database.ping();
      } catch (error) {
        throw new AppError('unavailable', { message: 'The database is not answering.', cause: error });
      }
      return { status: 'ready' as const };
    },
  );
};
