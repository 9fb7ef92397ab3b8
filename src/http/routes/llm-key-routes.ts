/**
 * Provider keys and their settings (contract "Provider keys (BYOK)", "Which provider answers", "Keys:
 * checks, models, chatbots"), for both key scopes: the workspace at `/api/workspaces/:ws/…` and a
 * chatbot at `/api/workspaces/:ws/chatbots/:id/…`. The same routes and rules serve both: everyone reads
 * masks; only the owner changes anything.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../app-error.js';
import { findChatbot } from '../../chat/chatbot-service.js';
import { isUuid } from '../../db/ids.js';
import type { KeyScope } from '../../llm/keys/key-scope.js';
import {
  deleteLlmKey,
  listKeyModels,
  listLlmKeys,
  saveLlmKey,
  testLlmKey,
  updateLlmKey,
} from '../../llm/keys/llm-key-service.js';
import { keyStatuses, providerErrorCodes } from '../../llm/keys/llm-key-view.js';
import { fallbackCodes, readLlmSettings, updateLlmSettings } from '../../llm/keys/llm-settings.js';
import { cacheModelLists } from '../../llm/keys/model-list-cache.js';
import { listProviderModels } from '../../llm/provider-clients.js';
import { listDefaultModels, providerIds } from '../../llm/provider-table.js';
import type { Action } from '../../workspaces/permissions.js';
import { auditActorOf, requireWorkspaceAccess, type WorkspaceAccess } from '../plugins/session-auth.js';
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
  status: z.enum(keyStatuses),
  lastUsedAt: isoDate.nullable(),
  lastError: lastErrorSchema,
  monthlyBudgetUsd: z.string().nullable(),
  spentThisMonthUsd: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
const settingsSchema = z.object({
  providerOrder: z.array(z.enum(providerIds)),
  usePlatformKey: z.boolean(),
  fallback: z.object({ enabled: z.boolean(), on: z.array(z.enum(fallbackCodes)) }),
});
const settingsChangeSchema = z
  .object({
    providerOrder: z
      .array(z.enum(providerIds))
      .max(providerIds.length)
      .refine((order) => new Set(order).size === order.length, { message: 'must name each provider once' }),
    usePlatformKey: z.boolean(),
    fallback: z
      .object({ enabled: z.boolean(), on: z.array(z.enum(fallbackCodes)).max(fallbackCodes.length) })
      .partial(),
  })
  .partial();

const chatbotScopeParams = workspaceParams.extend({ id: z.string().max(64) });
type ScopeParams = { ws: string; id?: string };

/** The two places a key scope lives; the chatbot's is found inside the workspace the caller belongs to. */
const scopes = [
  { prefix: '/api/workspaces/:ws', params: workspaceParams, tag: 'llm-keys' },
  { prefix: '/api/workspaces/:ws/chatbots/:id', params: chatbotScopeParams, tag: 'chatbot-llm-keys' },
] as const;

export const llmKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config, database, keyring } = app.context;
  const { db } = database;
  const listModels = cacheModelLists((provider, apiKey) =>
    listProviderModels({ config, provider, apiKey, fetch: app.context.fetch }),
  );
  const hasPlatformKey = Boolean(config.PLATFORM_ANTHROPIC_API_KEY);

  /** The caller's access for `action`, and the scope the URL names (404 for another workspace's chatbot). */
  async function requireScope(
    request: FastifyRequest,
    params: ScopeParams,
    action: Action,
  ): Promise<WorkspaceAccess & { scope: KeyScope }> {
    const access = await requireWorkspaceAccess(request, params.ws, action);
    if (params.id === undefined)
      return { ...access, scope: { workspaceId: access.workspaceId, chatbotId: null } };
    if (!isUuid(params.id)) throw notFound('The chatbot');
    const chatbot = await findChatbot(db, access.workspaceId, params.id);
    return {
      ...access,
      scope: { workspaceId: access.workspaceId, chatbotId: chatbot.id, chatbotName: chatbot.name },
    };
  }

  for (const { prefix, params, tag } of scopes) {
    const keyParams = params.extend({ provider: z.enum(providerIds) });

    app.get(
      `${prefix}/llm-keys`,
      {
        schema: {
          tags: [tag],
          params,
          response: {
            200: z.object({
              keys: z.array(keySchema),
              defaults: z.record(z.enum(providerIds), z.string()),
              activeProvider: z.enum([...providerIds, 'platform', 'none']),
              /** Whether this server has `PLATFORM_ANTHROPIC_API_KEY`, so the admin can say what to set. */
              hasPlatformKey: z.boolean(),
            }),
          },
        },
      },
      async (request) => {
        const { scope } = await requireScope(request, request.params, 'llm_keys.read');
        const { keys, activeProvider } = await listLlmKeys(db, scope, { hasPlatformKey });
        return { keys, defaults: listDefaultModels(), activeProvider, hasPlatformKey };
      },
    );

    app.put(
      `${prefix}/llm-keys/:provider`,
      {
        schema: {
          tags: [tag],
          params: keyParams,
          body: z.object({
            apiKey: apiKeySchema,
            model: modelSchema.optional(),
            /** Save even though the provider rejected the key ("Save anyway"). */
            force: z.boolean().optional(),
          }),
          response: { 200: keySchema },
        },
      },
      async (request) => {
        const { user, scope } = await requireScope(request, request.params, 'llm_keys.write');
        return saveLlmKey(
          db,
          keyring,
          { ...scope, provider: request.params.provider, ...request.body },
          auditActorOf(request, user),
          listModels,
        );
      },
    );

    app.patch(
      `${prefix}/llm-keys/:provider`,
      {
        schema: {
          tags: [tag],
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
        const { user, scope } = await requireScope(request, request.params, 'llm_keys.write');
        return updateLlmKey(
          db,
          keyring,
          { ...scope, provider: request.params.provider, ...request.body },
          auditActorOf(request, user),
          listModels,
        );
      },
    );

    app.delete(
      `${prefix}/llm-keys/:provider`,
      { schema: { tags: [tag], params: keyParams } },
      async (request, reply) => {
        const { user, scope } = await requireScope(request, request.params, 'llm_keys.write');
        await deleteLlmKey(db, { ...scope, provider: request.params.provider }, auditActorOf(request, user));
        return reply.status(204).send();
      },
    );

    app.post(
      `${prefix}/llm-keys/:provider/test`,
      {
        schema: {
          tags: [tag],
          params: keyParams,
          response: { 200: z.object({ ok: z.boolean(), lastError: lastErrorSchema }) },
        },
      },
      async (request) => {
        const { scope } = await requireScope(request, request.params, 'llm_keys.test');
        return testLlmKey(db, keyring, { ...scope, provider: request.params.provider }, listModels);
      },
    );

    app.get(
      `${prefix}/llm-keys/:provider/models`,
      {
        schema: {
          tags: [tag],
          params: keyParams,
          response: { 200: z.object({ models: z.array(z.string()) }) },
        },
      },
      async (request) => {
        // Owner only, like Test: it spends a provider call on the owner's key.
        const { scope } = await requireScope(request, request.params, 'llm_keys.test');
        const models = await listKeyModels(
          db,
          keyring,
          { ...scope, provider: request.params.provider },
          listModels,
        );
        return { models };
      },
    );

    app.get(
      `${prefix}/llm-settings`,
      { schema: { tags: [tag], params, response: { 200: settingsSchema } } },
      async (request) => {
        const { scope } = await requireScope(request, request.params, 'llm_keys.read');
        return readLlmSettings(db, scope);
      },
    );

    app.patch(
      `${prefix}/llm-settings`,
      { schema: { tags: [tag], params, body: settingsChangeSchema, response: { 200: settingsSchema } } },
      async (request) => {
        const { user, scope } = await requireScope(request, request.params, 'llm_keys.write');
        return updateLlmSettings(db, scope, request.body, auditActorOf(request, user));
      },
    );
  }
};
