/** Chatbots of a workspace (contract "Chatbots, conversations, usage"): owner and admin write; everyone reads. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../app-error.js';
import {
  createChatbot,
  deleteChatbot,
  findChatbot,
  listChatbots,
  toChatbotView,
  type ChatbotRow,
  updateChatbot,
  widgetLanguages,
} from '../../chat/chatbot-service.js';
import {
  MAX_ALLOWED_ORIGIN_LENGTH,
  MAX_ALLOWED_ORIGINS,
  normalizeAllowedOrigin,
} from '../../chat/origin-match.js';
import { listRecentRefusedOrigins } from '../../chat/refused-origins.js';
import { isUuid } from '../../db/ids.js';
import { chatbotSubject, raiseReachedThresholds, readMonthSpend } from '../../money/budgets.js';
import { normalizeUsd } from '../../money/usd.js';
import { can, type Role } from '../../workspaces/permissions.js';
import { auditActorOf, requireWorkspaceAccess } from '../plugins/session-auth.js';
import { isoDate, usdSchema, workspaceParams } from './schemas.js';

/** Starter questions a chatbot offers a new visitor: few enough to read at a glance. */
const MAX_STARTER_QUESTIONS = 4;

const maxCharacters = (limit: number) => ({ message: `must be at most ${limit} characters` });

/** Optional text shown to visitors: trimmed; empty or null clears it. */
const clearableText = (limit: number) =>
  z
    .string()
    .trim()
    .max(limit, maxCharacters(limit))
    .nullable()
    .transform((value) => value || null);

const allowedOriginSchema = z
  .string()
  .max(MAX_ALLOWED_ORIGIN_LENGTH, maxCharacters(MAX_ALLOWED_ORIGIN_LENGTH))
  .transform((value, context) => {
    const normalized = normalizeAllowedOrigin(value);
    if (normalized) return normalized;
    context.issues.push({
      code: 'custom',
      input: value,
      message:
        'must be an origin such as https://shop.example.com or http://localhost:5173, or a subdomain pattern such as https://*.example.com (scheme, host and optional port; no path)',
    });
    return z.NEVER;
  });

/** Same-origin entries collapse to one once normalised; order is kept. */
const allowedOriginsSchema = z
  .array(allowedOriginSchema)
  .max(MAX_ALLOWED_ORIGINS, { message: `must have at most ${MAX_ALLOWED_ORIGINS} entries` })
  .transform((origins) => [...new Set(origins)]);

const settingsFields = {
  name: z.string().trim().min(1, { message: 'must not be empty' }).max(100, maxCharacters(100)),
  systemPrompt: z.string().max(8_000, maxCharacters(8_000)),
  allowedOrigins: allowedOriginsSchema,
  title: clearableText(80),
  greeting: clearableText(500),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, { message: 'must be a colour like #4f46e5' })
    .transform((value) => value.toLowerCase()),
  position: z.enum(['left', 'right'], { message: 'must be left or right' }),
  errorMessage: clearableText(300),
  theme: z.enum(['light', 'dark', 'auto'], { message: 'must be light, dark or auto' }),
  language: z.enum(widgetLanguages, { message: `must be one of ${widgetLanguages.join(', ')}` }),
  starterQuestions: z
    .array(z.string().trim().min(1, { message: 'must not be empty' }).max(200, maxCharacters(200)))
    .max(MAX_STARTER_QUESTIONS, { message: `must have at most ${MAX_STARTER_QUESTIONS} entries` }),
  monthlyBudgetUsd: usdSchema.nullable(),
  pausedMessage: clearableText(300),
};

const createBody = z.object({
  ...settingsFields,
  systemPrompt: settingsFields.systemPrompt.optional(),
  allowedOrigins: settingsFields.allowedOrigins.optional(),
  title: settingsFields.title.optional(),
  greeting: settingsFields.greeting.optional(),
  color: settingsFields.color.optional(),
  position: settingsFields.position.optional(),
  errorMessage: settingsFields.errorMessage.optional(),
  theme: settingsFields.theme.optional(),
  language: settingsFields.language.optional(),
  starterQuestions: settingsFields.starterQuestions.optional(),
  monthlyBudgetUsd: settingsFields.monthlyBudgetUsd.optional(),
  pausedMessage: settingsFields.pausedMessage.optional(),
});
const updateBody = z.object({ ...settingsFields, llmKeySource: z.enum(['workspace', 'own']) }).partial();

const chatbotSchema = z.object({
  id: z.string(),
  publicId: z.string(),
  name: z.string(),
  systemPrompt: z.string(),
  allowedOrigins: z.array(z.string()),
  title: z.string().nullable(),
  greeting: z.string().nullable(),
  color: z.string(),
  position: z.enum(['left', 'right']),
  errorMessage: z.string().nullable(),
  theme: z.enum(['light', 'dark', 'auto']),
  language: z.enum(widgetLanguages),
  starterQuestions: z.array(z.string()),
  monthlyBudgetUsd: z.string().nullable(),
  pausedMessage: z.string().nullable(),
  spentThisMonthUsd: z.string(),
  isPaused: z.boolean(),
  llmKeySource: z.enum(['workspace', 'own']),
  embedSnippet: z.string(),
  previewUrl: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
const chatbotParams = workspaceParams.extend({ id: z.string().max(64) });

export const chatbotRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config, database } = app.context;
  const { db } = database;
  /** Each chatbot with this month's spend, read in one query. */
  const views = async (workspaceId: string, rows: ChatbotRow[]) => {
    const spent = await readMonthSpend(
      db,
      workspaceId,
      rows.map((row) => chatbotSubject(row.id)),
    );
    return rows.map((row) => toChatbotView(row, config.publicUrl, spent.get(chatbotSubject(row.id)) ?? '0'));
  };
  const view = async (workspaceId: string, row: ChatbotRow) => (await views(workspaceId, [row]))[0]!;
  /** A budget and the paused message are the owner's (contract "Budgets"); admins change the rest. */
  const requireOwnerForBudget = (
    role: Role,
    body: { monthlyBudgetUsd?: unknown; pausedMessage?: unknown },
  ) => {
    if (
      (body.monthlyBudgetUsd !== undefined || body.pausedMessage !== undefined) &&
      !can(role, 'budgets.write')
    ) {
      throw new AppError('forbidden', { message: 'Only the owner may set a budget or the paused message.' });
    }
  };

  app.get(
    '/api/workspaces/:ws/chatbots',
    {
      schema: {
        tags: ['chatbots'],
        params: workspaceParams,
        response: { 200: z.object({ chatbots: z.array(chatbotSchema) }) },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'chatbots.read');
      return { chatbots: await views(workspaceId, await listChatbots(db, workspaceId)) };
    },
  );

  app.post(
    '/api/workspaces/:ws/chatbots',
    {
      schema: {
        tags: ['chatbots'],
        params: workspaceParams,
        body: createBody,
        response: { 201: chatbotSchema },
      },
    },
    async (request, reply) => {
      const { user, workspaceId, role } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'chatbots.write',
      );
      requireOwnerForBudget(role, request.body);
      const row = await createChatbot(db, workspaceId, request.body, auditActorOf(request, user));
      return reply.status(201).send(await view(workspaceId, row));
    },
  );

  app.get(
    '/api/workspaces/:ws/chatbots/:id',
    { schema: { tags: ['chatbots'], params: chatbotParams, response: { 200: chatbotSchema } } },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'chatbots.read');
      if (!isUuid(request.params.id)) throw notFound('The chatbot');
      return view(workspaceId, await findChatbot(db, workspaceId, request.params.id));
    },
  );

  app.get(
    '/api/workspaces/:ws/chatbots/:id/refused-origins',
    {
      schema: {
        tags: ['chatbots'],
        params: chatbotParams,
        response: {
          200: z.object({
            origins: z.array(
              z.object({ origin: z.string(), refusals: z.number().int(), lastRefusedAt: isoDate }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'chatbots.read');
      if (!isUuid(request.params.id)) throw notFound('The chatbot');
      const chatbot = await findChatbot(db, workspaceId, request.params.id);
      return { origins: await listRecentRefusedOrigins(db, chatbot.id) };
    },
  );

  app.patch(
    '/api/workspaces/:ws/chatbots/:id',
    {
      schema: {
        tags: ['chatbots'],
        params: chatbotParams,
        body: updateBody,
        response: { 200: chatbotSchema },
      },
    },
    async (request) => {
      const { user, workspaceId, role } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'chatbots.write',
      );
      if (!isUuid(request.params.id)) throw notFound('The chatbot');
      requireOwnerForBudget(role, request.body);
      const { monthlyBudgetUsd } = request.body;
      // Which keys answer for a chatbot is a key decision: the owner's, like the keys themselves.
      if (request.body.llmKeySource !== undefined && !can(role, 'llm_keys.write')) {
        throw new AppError('forbidden', {
          message: `Your role (${role}) may not change which keys a chatbot uses.`,
        });
      }
      const row = await updateChatbot(
        db,
        workspaceId,
        request.params.id,
        {
          ...request.body,
          ...(monthlyBudgetUsd ? { monthlyBudgetUsd: normalizeUsd(monthlyBudgetUsd) } : {}),
        },
        auditActorOf(request, user),
      );
      const updated = await view(workspaceId, row);
      if (monthlyBudgetUsd) {
        await raiseReachedThresholds(db, workspaceId, {
          subject: chatbotSubject(row.id),
          label: row.name,
          spentUsd: updated.spentThisMonthUsd,
          budgetUsd: updated.monthlyBudgetUsd!,
        });
      }
      return updated;
    },
  );

  app.delete(
    '/api/workspaces/:ws/chatbots/:id',
    { schema: { tags: ['chatbots'], params: chatbotParams } },
    async (request, reply) => {
      const { user, workspaceId } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'chatbots.write',
      );
      if (!isUuid(request.params.id)) throw notFound('The chatbot');
      await deleteChatbot(db, workspaceId, request.params.id, auditActorOf(request, user));
      return reply.status(204).send();
    },
  );
};
