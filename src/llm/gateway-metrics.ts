/** Prometheus metrics of the chat gateway, on a registry of their own (one per app instance). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  messages: Counter<'provider' | 'outcome'>;
  timeToFirstToken: Histogram<'provider'>;
  tokens: Counter<'provider' | 'direction'>;
  openStreams: Gauge;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bestai_process_' });
  return {
    registry,
    messages: new Counter({
      name: 'bestai_chat_messages_total',
      help: 'Assistant replies by provider and outcome (complete, interrupted, failed).',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
    timeToFirstToken: new Histogram({
      name: 'bestai_chat_time_to_first_token_seconds',
      help: 'From the visitor message arriving to the first streamed text.',
      labelNames: ['provider'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 60],
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'bestai_chat_tokens_total',
      help: 'Input and output tokens reported by providers.',
      labelNames: ['provider', 'direction'],
      registers: [registry],
    }),
    openStreams: new Gauge({
      name: 'bestai_chat_open_streams',
      help: 'Replies streaming to visitors right now.',
      registers: [registry],
    }),
  };
}
