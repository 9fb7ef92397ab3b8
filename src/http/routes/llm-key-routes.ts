/** Provider keys (BYOK), contract "Provider keys (BYOK)": everyone reads masks; only the owner changes. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { providerIds } from '../../db/schema.js';
import { providerErrorCodes } from '../../llm/keys/llm-key-view.js';
import {
  deleteLlmKey,
  listLlmKeys,
  saveLlmKey,
  testLlmKey,
  updateLlmKey,
} from '../../llm/keys/llm-key-service.js';
import { listDefaultModels } from '../../llm/provider-catalog.js';
import { checkProviderKey } from '../../llm/provider-clients.js';
import { auditActorOf, requireWorkspaceAccess } from '../plugins/session-auth.js';
import { isoDate, usdSchema, workspaceParams } from './schemas.js';

/** 8–512 printable ASCII characters, no whitespace. The message never repeats the value. */
const apiKeySchema = z
  .string({ message: 'must be a string' })
  .regex(/^[\x21-\x7e]{8,512}$/, { message: 'must be 8 to 512 printable ASCII characters without spaces' });
const modelSchema = z
  .string()
  .trim()
  .max(100)
  .regex(/^[A-Za-z0-9._:/@-]*$/, { message: 'may contain letters, digits and . _ : / @ - only' })
  .nullable();

const lastErrorSchema = z
  .object({ code: z.enum(providerErrorCodes), message: z.string(), at: isoDate })
  .nullable();
const keySchema = z.object({
  provider: z.enum(providerIds),
  maskedKey: z.string(),
  model: z.string().nullable(),
  effectiveModel: z.string(),
  enabled: z.boolean(),
  status: z.enum(['ok', 'unused', 'error', 'disabled', 'paused']),
  lastUsedAt: isoDate.nullable(),
  lastError: lastErrorSchema,
  monthlyBudgetUsd: z.string().nullable(),
  spentThisMonthUsd: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
const keyParams = workspaceParams.extend({ provider: z.enum(providerIds) });

export const llmKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config, database, keyring } = app.context;
  const { db } = database;

  app.get(
    '/api/workspaces/:ws/llm-keys',
    {
      schema: {
        tags: ['llm-keys'],
        params: workspaceParams,
        response: {
          200: z.object({
            keys: z.array(keySchema),
            defaults: z.record(z.enum(providerIds), z.string()),
            activeProvider: z.enum([...providerIds, 'platform']),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'llm_keys.read');
      const { keys, activeProvider } = await listLlmKeys(db, workspaceId);
      return { keys, defaults: listDefaultModels(), activeProvider };
    },
  );

  app.put(
    '/api/workspaces/:ws/llm-keys/:provider',
    {
      schema: {
        tags: ['llm-keys'],
        params: keyParams,
        body: z.object({ apiKey: apiKeySchema, model: modelSchema.optional() }),
        response: { 200: keySchema },
      },
    },
    async (request) => {
      const { user, workspaceId } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'llm_keys.write',
      );
      return saveLlmKey(
        db,
        keyring,
        { workspaceId, provider: request.params.provider, ...request.body },
        auditActorOf(request, user),
      );
    },
  );

  app.patch(
    '/api/workspaces/:ws/llm-keys/:provider',
    {
      schema: {
        tags: ['llm-keys'],
        params: keyParams,
        body: z.object({
          enabled: z.boolean().optional(),
          model: modelSchema.optional(),
          monthlyBudgetUsd: usdSchema.nullable().optional(),
        }),
        response: { 200: keySchema },
      },
    },
    async (request) => {
      const { user, workspaceId } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'llm_keys.write',
      );
      return updateLlmKey(
        db,
        { workspaceId, provider: request.params.provider, ...request.body },
        auditActorOf(request, user),
      );
    },
  );

  app.delete(
    '/api/workspaces/:ws/llm-keys/:provider',
    { schema: { tags: ['llm-keys'], params: keyParams } },
    async (request, reply) => {
      const { user, workspaceId } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'llm_keys.write',
      );
      await deleteLlmKey(db, { workspaceId, provider: request.params.provider }, auditActorOf(request, user));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/workspaces/:ws/llm-keys/:provider/test',
    {
      schema: {
        tags: ['llm-keys'],
        params: keyParams,
        response: { 200: z.object({ ok: z.boolean(), lastError: lastErrorSchema }) },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'llm_keys.test');
      const { provider } = request.params;
      return testLlmKey(db, keyring, { workspaceId, provider }, (apiKey) =>
        checkProviderKey({ config, provider, apiKey, fetch: app.context.fetch }),
      );
    },
  );
};
