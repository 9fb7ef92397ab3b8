/**
 * The limiters of BestAI, on @fastify/rate-limit: in Redis when REDIS_URL is set (shared by every
 * instance; in process memory while Redis does not answer, see rate-limit-store.ts), in process memory
 * otherwise. Routes call a limiter and throw `rate_limited` when it is spent.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { AppError } from '../../app-error.js';
import { RedisAvailability, redisWithMemoryFallback } from './rate-limit-store.js';

type CheckLimit = ReturnType<FastifyInstance['createRateLimit']>;

export interface Limiters {
  /** Failed sign-ins per client IP. */
  loginFailuresPerIp: CheckLimit;
  /** Failed sign-ins per email, whatever the IP. */
  loginFailuresPerEmail: CheckLimit;
  /** Failed invitation look-ups and accepts per client IP (unknown token, wrong account). */
  invitationFailuresPerIp: CheckLimit;
  /** New widget conversations per IP and chatbot. */
  widgetConversations: CheckLimit;
  /** Widget messages per IP and chatbot. */
  widgetMessages: CheckLimit;
}

declare module 'fastify' {
  interface FastifyInstance {
    limiters: Limiters;
    /** Whether the shared limits in Redis are in use: `ok`, `degraded` (counted in memory), or no Redis. */
    rateLimitBackend(): 'ok' | 'degraded' | undefined;
  }
}

export interface RateLimitOptions {
  redis?: Redis;
  loginFailuresPerMinute?: number;
  widgetConversationsPerMinute: number;
  widgetMessagesPerMinute: number;
}

const loginEmailOf = (request: FastifyRequest) => {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 320) : '';
};
const widgetKey = (request: FastifyRequest) =>
  `${request.ip}|${(request.params as { publicId?: string }).publicId ?? ''}`;

export const rateLimitsPlugin = fp(async (app: FastifyInstance, options: RateLimitOptions) => {
  const { redis } = options;
  const availability = redis ? new RedisAvailability(redis, app.log) : undefined;
  await app.register(rateLimit, {
    global: false,
    ...(redis && availability
      ? { store: redisWithMemoryFallback(redis, availability, 'bestai-rate-limit-') }
      : {}),
    timeWindow: 60_000,
  });
  app.decorate('rateLimitBackend', () =>
    availability ? (availability.isDegraded ? 'degraded' : 'ok') : undefined,
  );
  const loginFailures = options.loginFailuresPerMinute ?? 10;
  app.decorate('limiters', {
    loginFailuresPerIp: app.createRateLimit({
      max: loginFailures * 3,
      keyGenerator: (request) => `login-ip|${request.ip}`,
    }),
    loginFailuresPerEmail: app.createRateLimit({
      max: loginFailures,
      keyGenerator: (request) => `login-email|${loginEmailOf(request)}`,
    }),
    invitationFailuresPerIp: app.createRateLimit({
      max: loginFailures * 3,
      keyGenerator: (request) => `invitation-ip|${request.ip}`,
    }),
    widgetConversations: app.createRateLimit({
      max: options.widgetConversationsPerMinute,
      keyGenerator: (request) => `widget-conversations|${widgetKey(request)}`,
    }),
    widgetMessages: app.createRateLimit({
      max: options.widgetMessagesPerMinute,
      keyGenerator: (request) => `widget-messages|${widgetKey(request)}`,
    }),
  } satisfies Limiters);
});

/** Consumes one unit (or, with `peek`, only reads); throws `rate_limited` with Retry-After when spent. */
export async function enforceLimit(
  check: CheckLimit,
  request: FastifyRequest,
  options: { peek?: boolean; message?: string } = {},
): Promise<void> {
  const limit = await check(request, { increment: !options.peek });
  if (limit.isAllowed) return;
  const isSpent = options.peek ? limit.remaining <= 0 : limit.isExceeded;
  if (!isSpent) return;
  throw new AppError('rate_limited', {
    message: options.message ?? 'Too many requests; please wait a moment and try again.',
    retryAfterSeconds: Math.max(1, Math.ceil(limit.ttl / 1000)),
  });
}

/**
 * Runs `action` behind a failure limiter: refused at once while the limiter is spent, and each failure
 * (any thrown error) counts one unit, so ordinary use is never slowed down.
 */
export async function countingFailures<T>(
  check: CheckLimit,
  request: FastifyRequest,
  action: () => Promise<T>,
  message = 'Too many failed attempts; wait a minute and try again.',
): Promise<T> {
  await enforceLimit(check, request, { peek: true, message });
  try {
    return await action();
  } catch (error) {
    await check(request);
    throw error;
  }
}
