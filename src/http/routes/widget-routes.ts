/**
 * The public widget API (contract: "Widget"): CORS and Origin checks per chatbot, visitor rate limits,
 * and the streamed reply as `text/event-stream` (`delta`*, then exactly one `done` or `error`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../app-error.js';
import { findChatbotByPublicId, widgetLanguages } from '../../chat/chatbot-service.js';
import {
  DEFAULT_VISITOR_ERROR,
  prepareChatTurn,
  streamChatTurn,
  type ChatTurnDependencies,
} from '../../chat/chat-turn.js';
import { isOriginAllowed, originCandidates } from '../../chat/origin-match.js';
import {
  findVisitorConversation,
  listVisitorMessages,
  startConversation,
  type VisitorConversation,
} from '../../chat/visitor-conversations.js';
import type { OpenReplies } from '../../chat/open-replies.js';
import { rateAnswer } from '../../chat/message-ratings.js';
import { recordRefusedOrigin } from '../../chat/refused-origins.js';
import { isUuid } from '../../db/ids.js';
import type { GatewayMetrics } from '../../llm/gateway-metrics.js';
import { enforceLimit } from '../plugins/rate-limits.js';
import { openSseStream } from '../sse-stream.js';
import { isoDate } from './schemas.js';

export const HEARTBEAT_MS = 15_000;
export const MESSAGE_MAX_CHARACTERS = 8_000;

const publicIdParams = z.object({ publicId: z.string().min(1).max(64) });
const conversationParams = publicIdParams.extend({ conversationId: z.string().max(64) });

type Chatbot = NonNullable<Awaited<ReturnType<typeof findChatbotByPublicId>>>;

/** CORS response headers for an allowed request (none when the request has no Origin). */
function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'retry-after, x-request-id',
    vary: 'Origin',
  };
}

/**
 * No Origin (a script, or a same-origin GET) and BestAI's own origin (the preview page) are always
 * admitted: a chatbot's list restricts which other websites may embed the chat.
 */
function isOwnOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  return origin === undefined || origin === request.server.context.config.publicOrigin;
}

function refuseOrigin(reply: FastifyReply): never {
  // Widget responses are meant to be read by other websites' pages.
  reply.header('cross-origin-resource-policy', 'cross-origin');
  throw new AppError('origin_not_allowed', { message: 'This chat is not available on this website.' });
}

function isAdmitted(request: FastifyRequest, allowedOrigins: string[]): boolean {
  return isOwnOrigin(request) || isOriginAllowed(allowedOrigins, request.headers.origin);
}

/** Admits the request's Origin for a chatbot's list and sets the CORS headers, or refuses it with 403. */
function admitOrigin(request: FastifyRequest, reply: FastifyReply, allowedOrigins: string[]): void {
  if (!isAdmitted(request, allowedOrigins)) refuseOrigin(reply);
  reply.header('cross-origin-resource-policy', 'cross-origin');
  reply.headers(corsHeaders(request.headers.origin));
}

/** The chatbot of the URL with the Origin admitted: 404 for an unknown chatbot, 403 for a refused origin. */
async function loadChatbotFor(
  request: FastifyRequest,
  reply: FastifyReply,
  publicId: string,
): Promise<Chatbot> {
  const chatbot = await findChatbotByPublicId(request.server.context.database.db, publicId);
  if (!chatbot) {
    // Readable by the embedding page, so the widget can tell "no such chat" from a network failure.
    // Nothing is revealed: the public id is in the page's own embed snippet.
    reply.headers(corsHeaders(request.headers.origin));
    throw new AppError('not_found', { message: 'This chat is not available.' });
  }
  if (!isAdmitted(request, chatbot.allowedOrigins)) {
    // Remembered for the admin (best effort: a failed write must not change the visitor's answer).
    await recordRefusedOrigin(request.server.context.database.db, chatbot.id, request.headers.origin!).catch(
      (error: unknown) => request.log.warn({ err: error }, 'Could not record a refused origin'),
    );
  }
  admitOrigin(request, reply, chatbot.allowedOrigins);
  return chatbot;
}

/**
 * The answer for a conversation that does not exist for this chatbot and token. The chatbot is looked up
 * first, so the 404 (or 403) carries the right CORS headers and the widget can read it and start anew.
 */
async function refuseUnknownConversation(
  request: FastifyRequest,
  reply: FastifyReply,
  publicId: string,
): Promise<never> {
  await loadChatbotFor(request, reply, publicId);
  throw new AppError('not_found', { message: 'This conversation was not found; start a new one.' });
}

/** The visitor's conversation with the Origin admitted — one query on the usual path. */
async function admitVisitor(
  request: FastifyRequest,
  reply: FastifyReply,
  params: { publicId: string; conversationId: string },
): Promise<VisitorConversation> {
  const { db } = request.server.context.database;
  const conversation = await findVisitorConversation(db, { ...params, visitorToken: bearerToken(request) });
  if (!conversation) return refuseUnknownConversation(request, reply, params.publicId);
  admitOrigin(request, reply, conversation.allowedOrigins);
  return conversation;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

export const widgetRoutes: FastifyPluginAsyncZod<{ metrics: GatewayMetrics; replies: OpenReplies }> = async (
  app,
  options,
) => {
  const { config, database, keyring } = app.context;
  const { db } = database;
  const turnDependencies: ChatTurnDependencies = {
    db,
    keyring,
    config,
    metrics: options.metrics,
    replies: options.replies,
    fetch: app.context.fetch,
    log: app.log,
  };

  // Preflight: answered for allowed origins only; a refused origin gets the error shape and no CORS headers.
  app.options(
    '/api/widget/:publicId/*',
    { schema: { hide: true, params: publicIdParams.passthrough() } },
    async (request, reply) => {
      await loadChatbotFor(request, reply, request.params.publicId);
      return reply
        .headers({
          'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
          'access-control-allow-headers': 'authorization, content-type',
          'access-control-max-age': '600',
        })
        .status(204)
        .send();
    },
  );

  app.get(
    '/api/widget/:publicId/config',
    {
      schema: {
        tags: ['widget'],
        params: publicIdParams,
        response: {
          200: z.object({
            title: z.string(),
            greeting: z.string().nullable(),
            color: z.string(),
            position: z.enum(['left', 'right']),
            theme: z.enum(['light', 'dark', 'auto']),
            language: z.enum(widgetLanguages),
            starterQuestions: z.array(z.string()),
          }),
        },
      },
    },
    async (request, reply) => {
      const chatbot = await loadChatbotFor(request, reply, request.params.publicId);
      reply.header('cache-control', 'no-cache');
      return {
        title: chatbot.title || chatbot.name,
        greeting: chatbot.greeting ?? null,
        color: chatbot.color,
        position: chatbot.position,
        theme: chatbot.theme,
        language: chatbot.language,
        starterQuestions: chatbot.starterQuestions,
      };
    },
  );

  app.post(
    '/api/widget/:publicId/conversations',
    {
      bodyLimit: 1024,
      schema: {
        tags: ['widget'],
        params: publicIdParams,
        response: { 201: z.object({ conversationId: z.string(), visitorToken: z.string() }) },
      },
    },
    async (request, reply) => {
      const chatbot = await loadChatbotFor(request, reply, request.params.publicId);
      await enforceLimit(app.limiters.widgetConversations, request);
      return reply.status(201).send(await startConversation(db, chatbot));
    },
  );

  app.get(
    '/api/widget/:publicId/conversations/:conversationId/messages',
    {
      schema: {
        tags: ['widget'],
        params: conversationParams,
        response: {
          200: z.object({
            messages: z.array(
              z.object({
                id: z.string(),
                role: z.enum(['user', 'assistant']),
                content: z.string(),
                status: z.string(),
                createdAt: isoDate,
              }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const conversation = await admitVisitor(request, reply, request.params);
      return { messages: await listVisitorMessages(db, conversation) };
    },
  );

  app.put(
    '/api/widget/:publicId/conversations/:conversationId/messages/:messageId/rating',
    {
      bodyLimit: 1024,
      schema: {
        tags: ['widget'],
        params: conversationParams.extend({ messageId: z.string().max(64) }),
        body: z.object({ rating: z.enum(['up', 'down']).nullable() }),
      },
    },
    async (request, reply) => {
      const conversation = await admitVisitor(request, reply, request.params);
      if (!isUuid(request.params.messageId)) throw notFound('The answer');
      await rateAnswer(db, {
        conversationId: conversation.conversationId,
        messageId: request.params.messageId,
        rating: request.body.rating,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/widget/:publicId/conversations/:conversationId/messages',
    {
      bodyLimit: 64 * 1024,
      schema: {
        tags: ['widget'],
        params: conversationParams,
        body: z.object({ content: z.string().trim().min(1).max(MESSAGE_MAX_CHARACTERS) }),
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const { publicId, conversationId } = request.params;
      await enforceLimit(app.limiters.widgetMessages, request, {
        message: 'You are sending messages too quickly; please wait a moment.',
      }).catch(async (error: unknown) => {
        // The embedding page must be able to read the 429 and its Retry-After, so the Origin is admitted
        // (and CORS headers set) first, as for every other answer.
        await loadChatbotFor(request, reply, publicId);
        throw error;
      });
      // One statement authenticates the visitor, admits the Origin and stores the message (turn-context.ts).
      const ownOrigin = isOwnOrigin(request);
      const prepared = await prepareChatTurn(
        turnDependencies,
        {
          publicId,
          conversationId,
          visitorToken: bearerToken(request),
          isOwnOrigin: ownOrigin,
          originCandidates: ownOrigin ? [] : originCandidates(request.headers.origin!),
        },
        request.body.content,
      );
      if (prepared.outcome === 'not_found') return refuseUnknownConversation(request, reply, publicId);
      if (prepared.outcome === 'origin_refused') refuseOrigin(reply);
      const { turn } = prepared;
      const conversation = turn.conversation;

      // From here on the answer is a stream: errors become an `error` event, never a JSON body.
      reply.hijack();
      const raw = reply.raw;
      const stream = openSseStream(
        raw,
        {
          'x-request-id': request.id,
          'cross-origin-resource-policy': 'cross-origin',
          ...corsHeaders(request.headers.origin),
        },
        { heartbeatMs: HEARTBEAT_MS },
      );
      const visitorLeft = new AbortController();
      raw.on('close', () => {
        if (!raw.writableFinished) visitorLeft.abort();
      });
      try {
        const outcome = await streamChatTurn(turnDependencies, turn, {
          signal: visitorLeft.signal,
          onText: (text) => stream.send('delta', { text }),
        });
        if (outcome.status === 'complete') {
          // `sources` only when the owner shows them: the titles (and addresses) of the answer's sources.
          stream.send('done', {
            messageId: outcome.messageId,
            ...(outcome.sourceLinks ? { sources: outcome.sourceLinks } : {}),
          });
        } else {
          stream.send('error', {
            message: outcome.visitorError,
            ...(outcome.visitorErrorCode ? { code: outcome.visitorErrorCode } : {}),
          });
        }
      } catch (error) {
        request.log.error({ err: error }, 'The reply could not be completed');
        stream.send('error', { message: conversation.errorMessage || DEFAULT_VISITOR_ERROR });
      } finally {
        stream.close();
      }
    },
  );
};
