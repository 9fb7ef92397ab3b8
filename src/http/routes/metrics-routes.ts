/** `/metrics` in Prometheus text format: messages by provider and outcome, TTFT, tokens, open streams. */
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayMetrics } from '../../llm/gateway-metrics.js';

export const metricsRoutes: FastifyPluginAsync<{ metrics: GatewayMetrics }> = async (app, { metrics }) => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};
