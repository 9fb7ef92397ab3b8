/**
 * Token usage by day, provider and key (contract "Chatbots, conversations, usage"). Every role may read.
 * `from` and `to` are UTC days, both included; by default the last 30 days.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resolveUsagePeriod, summarizeUsage } from '../../chat/usage-queries.js';
import { requireWorkspaceAccess } from '../plugins/session-auth.js';
import { workspaceParams } from './schemas.js';

const daySchema = z.iso.date({ message: 'must be a day (YYYY-MM-DD)' });
const keySourceSchema = z.enum(['platform', 'workspace']);
const countsFields = {
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  messages: z.number().int(),
};

export const usageRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;

  app.get(
    '/api/workspaces/:ws/usage',
    {
      schema: {
        tags: ['usage'],
        params: workspaceParams,
        querystring: z.object({ from: daySchema.optional(), to: daySchema.optional() }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            days: z.array(
              z.object({
                day: z.string(),
                provider: z.string(),
                keySource: keySourceSchema,
                maskedKey: z.string().nullable(),
                ...countsFields,
              }),
            ),
            totals: z.object({
              byProvider: z.array(z.object({ provider: z.string(), ...countsFields })),
              byKey: z.array(
                z.object({
                  provider: z.string(),
                  keySource: keySourceSchema,
                  maskedKey: z.string().nullable(),
                  ...countsFields,
                }),
              ),
            }),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'usage.read');
      return summarizeUsage(db, workspaceId, resolveUsagePeriod(request.query));
    },
  );
};
