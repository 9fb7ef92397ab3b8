/**
 * Visitors' conversations, read-only (contract "Chatbots, conversations, usage"). Every role may read.
 * `from` and `to` take a UTC day (`2025-01-31`, `to` includes the whole day) or an ISO 8601 instant
 * (`to` excluded); they filter on when the conversation started.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../app-error.js';
import { findConversation, listConversations } from '../../chat/conversation-queries.js';
import { isUuid } from '../../db/ids.js';
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
});

const messageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  status: z.enum(['streaming', 'complete', 'interrupted', 'failed']),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  timeToFirstTokenMs: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  createdAt: isoDate,
});

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
      const end = to && (to.isDay ? new Date(to.start.getTime() + DAY_MS) : to.start);
      if (from && end && from.start >= end) {
        throw new AppError('invalid_request', {
          message: 'The start of the period must come before its end.',
          details: [{ field: 'from', message: 'must be before to' }],
        });
      }
      return listConversations(db, workspaceId, { ...page, from: from?.start, to: end });
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
