/**
 * Visitors' conversations, read-only (contract "Chatbots, conversations, usage"). Every role may read.
 * `from` and `to` take a UTC day (`2025-01-31`, `to` includes the whole day) or an ISO 8601 instant
 * (`to` excluded); they filter on when the conversation started.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { keySources } from '../../db/schema.js';
import { AppError, notFound } from '../../app-error.js';
import {
  findConversation,
  listConversations,
  type ConversationSummary,
} from '../../chat/conversation-queries.js';
import { isUuid } from '../../db/ids.js';
import { toCsv } from '../../money/csv.js';
import { requireWorkspaceAccess } from '../plugins/session-auth.js';
import { isoDate, workspaceParams } from './schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A UTC day or an instant, as the Date where it starts. */
const dayOrInstant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    message: 'must be a day (YYYY-MM-DD) or an ISO 8601 date-time',
  })
  .transform((value) => ({
    start: new Date(value.length === 10 ? `${value}T00:00:00Z` : value),
    isDay: value.length === 10,
  }));

const listQuery = z.object({
  chatbotId: z.guid({ message: 'must be a chatbot id' }).optional(),
  from: dayOrInstant.optional(),
  to: dayOrInstant.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const conversationSummarySchema = z.object({
  id: z.string(),
  chatbotId: z.string(),
  chatbotName: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
  messageCount: z.number().int(),
  preview: z.string().nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  costUsd: z.string().nullable(),
});

const messageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  status: z.enum(['streaming', 'complete', 'interrupted', 'failed']),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  keySource: z.enum(keySources).nullable(),
  maskedKey: z.string().nullable(),
  fallbackFrom: z.object({ provider: z.string(), code: z.string() }).nullable(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  cacheReadTokens: z.number().int().nullable(),
  cacheWriteTokens: z.number().int().nullable(),
  costUsd: z.string().nullable(),
  timeToFirstTokenMs: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  sources: z.array(z.object({ sourceId: z.string(), title: z.string() })),
  rating: z.enum(['up', 'down']).nullable(),
  createdAt: isoDate,
});

/** A spreadsheet export stops here; narrow the period for more. */
const CSV_MAX_CONVERSATIONS = 50_000;
const csvColumns = [
  'id',
  'chatbotId',
  'chatbotName',
  'createdAt',
  'updatedAt',
  'messageCount',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'costUsd',
  'preview',
] as const satisfies ReadonlyArray<keyof ConversationSummary>;

/** The period as instants: `to` as a day includes the whole day. */
function periodOf(
  from: { start: Date; isDay: boolean } | undefined,
  to: { start: Date; isDay: boolean } | undefined,
): { from?: Date; to?: Date } {
  const end = to && (to.isDay ? new Date(to.start.getTime() + DAY_MS) : to.start);
  if (from && end && from.start >= end) {
    throw new AppError('invalid_request', {
      message: 'The start of the period must come before its end.',
      details: [{ field: 'from', message: 'must be before to' }],
    });
  }
  return { from: from?.start, to: end };
}

export const conversationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;

  app.get(
    '/api/workspaces/:ws/conversations',
    {
      schema: {
        tags: ['conversations'],
        params: workspaceParams,
        querystring: listQuery,
        response: {
          200: z.object({
            conversations: z.array(conversationSummarySchema),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'conversations.read');
      const { from, to, ...page } = request.query;
      return listConversations(db, workspaceId, { ...page, ...periodOf(from, to) });
    },
  );

  app.get(
    '/api/workspaces/:ws/conversations.csv',
    {
      schema: {
        tags: ['conversations'],
        params: workspaceParams,
        querystring: listQuery.pick({ chatbotId: true, from: true, to: true }),
      },
    },
    async (request, reply) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'conversations.read');
      const { from, to, chatbotId } = request.query;
      const filter = { chatbotId, ...periodOf(from, to), limit: 100 };
      const rows: ConversationSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await listConversations(db, workspaceId, { ...filter, cursor });
        rows.push(...page.conversations);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && rows.length < CSV_MAX_CONVERSATIONS);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="conversations.csv"')
        .send(
          toCsv(
            csvColumns,
            rows.slice(0, CSV_MAX_CONVERSATIONS) as unknown as Array<Record<string, unknown>>,
          ),
        );
    },
  );

  app.get(
    '/api/workspaces/:ws/conversations/:id',
    {
      schema: {
        tags: ['conversations'],
        params: workspaceParams.extend({ id: z.string().max(64) }),
        response: {
          200: z.object({
            id: z.string(),
            chatbotId: z.string(),
            chatbotName: z.string(),
            createdAt: isoDate,
            messages: z.array(messageSchema),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'conversations.read');
      if (!isUuid(request.params.id)) throw notFound('The conversation');
      return findConversation(db, workspaceId, request.params.id);
    },
  );
};
