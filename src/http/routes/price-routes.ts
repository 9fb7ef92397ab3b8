/**
 * Prices (contract "Money, budgets, alerts"): everyone reads the list; only the owner sets or removes a
 * workspace price. Prices are decimal strings of US dollars per million tokens, never floats.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { providerIds } from '../../db/schema.js';
import { listPrices, removeWorkspacePrice, setWorkspacePrice } from '../../money/price-list.js';
import { auditActorOf, requireWorkspaceAccess } from '../plugins/session-auth.js';
import { workspaceParams } from './schemas.js';

/** Up to 6 digits before the point and 6 after: from $0.000001 to $999,999.999999 per million tokens. */
const perMTokSchema = z
  .string()
  .trim()
  .regex(/^\d{1,6}(\.\d{1,6})?$/, { message: 'must be a decimal number of US dollars, e.g. "0.15"' });
const modelSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:/@-]+$/, { message: 'may contain letters, digits and . _ : / @ - only' });

const priceSchema = z.object({
  provider: z.enum(providerIds),
  model: z.string(),
  inputPerMTok: z.string(),
  outputPerMTok: z.string(),
  cacheReadPerMTok: z.string().nullable(),
  cacheWritePerMTok: z.string().nullable(),
  source: z.enum(['default', 'workspace']),
  asOf: z.string(),
  sourceUrl: z.string().nullable(),
});

const priceListSchema = z.object({
  prices: z.array(priceSchema),
  unknownModels: z.array(z.object({ provider: z.string(), model: z.string() })),
});

export const priceRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;

  app.get(
    '/api/workspaces/:ws/prices',
    {
      schema: {
        tags: ['money'],
        params: workspaceParams,
        response: { 200: priceListSchema },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'prices.read');
      return listPrices(db, workspaceId);
    },
  );

  app.post(
    '/api/workspaces/:ws/prices',
    {
      schema: {
        tags: ['money'],
        params: workspaceParams,
        body: z.object({
          provider: z.enum(providerIds),
          model: modelSchema,
          inputPerMTok: perMTokSchema,
          outputPerMTok: perMTokSchema,
          cacheReadPerMTok: perMTokSchema.nullish(),
          cacheWritePerMTok: perMTokSchema.nullish(),
        }),
        response: { 200: priceListSchema },
      },
    },
    async (request) => {
      const { workspaceId, user } = await requireWorkspaceAccess(request, request.params.ws, 'prices.write');
      await setWorkspacePrice(db, workspaceId, request.body, auditActorOf(request, user));
      return listPrices(db, workspaceId);
    },
  );

  app.delete(
    '/api/workspaces/:ws/prices',
    {
      schema: {
        tags: ['money'],
        params: workspaceParams,
        querystring: z.object({ provider: z.enum(providerIds), model: modelSchema }),
      },
    },
    async (request, reply) => {
      const { workspaceId, user } = await requireWorkspaceAccess(request, request.params.ws, 'prices.write');
      await removeWorkspacePrice(db, workspaceId, request.query, auditActorOf(request, user));
      return reply.status(204).send();
    },
  );
};
