/**
 * `/metrics` in Prometheus text format: messages by provider and outcome, TTFT, tokens, open streams.
 * With METRICS_TOKEN set, only a scraper sending `Authorization: Bearer {METRICS_TOKEN}` reads them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../app-error.js';
import type { GatewayMetrics } from '../../llm/gateway-metrics.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when the header carries the token; compared as hashes, in constant time. */
function hasBearerToken(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token));
}

export const metricsRoutes: FastifyPluginAsync<{ metrics: GatewayMetrics }> = async (app, { metrics }) => {
  const token = app.context.config.METRICS_TOKEN;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined && !hasBearerToken(request.headers.authorization, token)) {
      reply.header('www-authenticate', 'Bearer');
      throw new AppError('unauthenticated', { message: 'Send the metrics token as a Bearer token.' });
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};
