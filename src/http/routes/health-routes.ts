/**
 * Liveness and readiness for load balancers and orchestrators. `/readyz` answers within 2 s whatever the
 * database does (a frozen one counts as down), and reports Redis as `degraded` — not down: the rate limits
 * then count in process memory and everything keeps working.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../app-error.js';

/** How long `/readyz` waits for the database; leaves room within the 2 s promised. */
export const READINESS_DATABASE_WAIT_MS = 1_500;

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
    {
      schema: {
        tags: ['operations'],
        response: {
          200: z.object({ status: z.literal('ready'), redis: z.enum(['ok', 'degraded']).optional() }),
        },
      },
    },
    async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(resolve, READINESS_DATABASE_WAIT_MS, 'timeout');
      });
      try {
        const answer = await Promise.race([app.context.database.ping(), timedOut]);
        if (answer === 'timeout')
          throw Object.assign(new Error('The database did not answer in time.'), { code: 'ETIMEDOUT' });
      } catch (error) {
        throw new AppError('unavailable', {
          message: 'The database is not answering.',
          cause: error,
          retryAfterSeconds: 5,
        });
      } finally {
        clearTimeout(timer);
      }
      const redis = app.rateLimitBackend();
      return { status: 'ready' as const, ...(redis ? { redis } : {}) };
    },
  );
};
