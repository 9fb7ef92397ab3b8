/**
 * The Fastify application: plugins, then routes. Only `src/http` knows Fastify; routes call plain
 * domain functions. Built by main.ts for the server and by tests for `inject()`.
 */
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { OpenReplies } from '../chat/open-replies.js';
import { createJobHandlers } from '../background-work.js';
import { createJobRunner, type JobRunner, type JobRunnerOptions } from '../jobs/job-runner.js';
import { createGatewayMetrics } from '../llm/gateway-metrics.js';
import type { Config } from '../config.js';
import type { AppContext } from './app-context.js';
import { createLoggerOptions } from './log-redaction.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { answerFrameworkError } from './plugins/framework-errors.js';
import { originCheckPlugin } from './plugins/origin-check.js';
import { rateLimitsPlugin } from './plugins/rate-limits.js';
import { accountRoutes } from './routes/account-routes.js';
import { requestHygienePlugin } from './plugins/request-hygiene.js';
import { alertRoutes } from './routes/alert-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { chatbotRoutes } from './routes/chatbot-routes.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { knowledgeRoutes } from './routes/knowledge-routes.js';
import { instanceRoutes } from './routes/instance-routes.js';
import { llmKeyRoutes } from './routes/llm-key-routes.js';
import { memberRoutes } from './routes/member-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { passwordResetRoutes } from './routes/password-reset-routes.js';
import { priceRoutes } from './routes/price-routes.js';
import { usageRoutes } from './routes/usage-routes.js';
import { adminIndexDir, isAdminPageRequest, webAssetRoutes } from './routes/web-asset-routes.js';
import { widgetRoutes } from './routes/widget-routes.js';
import { securityHeaderOptions } from './security-headers.js';

export { redactedLogPaths } from './log-redaction.js';

/** A hop count as Fastify reads it (its types accept only a function for that). */
function toTrustProxy(
  setting: Config['TRUST_PROXY'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/**
 * Fastify writes two `info` lines per request; a health check every few seconds and every widget request
 * then drown the lines that matter. Here they are `debug` lines (LOG_LEVEL=debug shows them); a request
 * that errored is still logged as an error.
 */
class QuietRequestLogs extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export interface BuildAppOptions {
  context: AppContext;
  /** Pino options or an existing logger; `false` silences logs. */
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  redis?: Redis;
  /** Overrides of the background job runner's timing (tests use short backoffs and polls). */
  jobRunner?: Partial<Pick<JobRunnerOptions, 'owner' | 'pollIntervalMs' | 'leaseMs' | 'backoffMs'>>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's background job runner; `wake()` it after enqueueing a job. */
    jobRunner: JobRunner;
  }
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { context } = options;
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? createLoggerOptions(context.config.LOG_LEVEL) }),
    genReqId: () => crypto.randomUUID(),
    logController: new QuietRequestLogs(),
    bodyLimit: 1024 * 1024,
    // TRUST_PROXY unset → false: X-Forwarded-For is ignored, the socket's address is the client's.
    trustProxy: toTrustProxy(context.config.TRUST_PROXY),
    frameworkErrors: answerFrameworkError,
    // Close idle keep-alive sockets at shutdown; in-flight requests and streams may finish.
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('context', context);
  const jobLog = app.log.child({ component: 'jobs' });
  const jobRunner = createJobRunner({
    db: context.database.db,
    handlers: createJobHandlers(context, jobLog),
    log: jobLog,
    ...options.jobRunner,
  });
  app.decorate('jobRunner', jobRunner);
  // Jobs run while the app is up; at close they stop before the database does (server.ts closes it after).
  app.addHook('onReady', async () => jobRunner.start());
  app.addHook('onClose', async () => jobRunner.stop());
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // An empty JSON body (e.g. a POST that needs none) is no body, not a parse error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
    parseJson(request, body as string, done);
  });

  await app.register(errorHandlerPlugin);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'BestAI API', version: '1.0.0', description: 'The BestAI admin and widget API.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'bestai_session' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(helmet, securityHeaderOptions);
  await app.register(cookie);
  await app.register(requestHygienePlugin);
  await app.register(originCheckPlugin, { publicOrigin: context.config.publicOrigin });
  await app.register(rateLimitsPlugin, {
    redis: options.redis,
    widgetConversationsPerMinute: context.config.WIDGET_CONVERSATIONS_PER_MINUTE,
    widgetMessagesPerMinute: context.config.WIDGET_MESSAGES_PER_MINUTE,
  });

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(passwordResetRoutes);
  await app.register(accountRoutes);
  await app.register(instanceRoutes);
  await app.register(memberRoutes);
  await app.register(llmKeyRoutes);
  await app.register(auditRoutes);
  await app.register(alertRoutes);
  await app.register(chatbotRoutes);
  await app.register(conversationRoutes);
  await app.register(knowledgeRoutes);
  await app.register(usageRoutes);
  await app.register(priceRoutes);
  const metrics = createGatewayMetrics();
  const replies = new OpenReplies(context.database.db, app.log);
  app.decorate('openReplies', replies);
  // After the server has closed (every stream ended): wait a little for replies still being written.
  app.addHook('onClose', () => replies.close(5_000));
  await app.register(widgetRoutes, { metrics, replies });
  await app.register(metricsRoutes, { metrics });
  await app.register(webAssetRoutes);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.setNotFoundHandler(async (request, reply) => {
    if (isAdminPageRequest(request.method, request.url)) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html', adminIndexDir);
    }
    return reply
      .status(404)
      .send({ error: { code: 'not_found', message: 'There is nothing at this address.' } });
  });

  return app;
}
