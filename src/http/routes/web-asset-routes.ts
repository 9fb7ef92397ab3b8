/**
 * The browser side: the admin console at `/` (a single-page app: unknown non-API paths get its
 * index.html), the widget loader at `/widget.js` with its chat UI under `/widget/`, and `/preview/:publicId`,
 * a plain page that embeds a chatbot's widget.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findChatbotByPublicId } from '../../chat/chatbot-service.js';
import { listLlmKeys } from '../../llm/keys/llm-key-service.js';
import { noPlatformKeyNotice } from '../../llm/platform-key-notice.js';
import { publicAssetsDir } from '../../paths.js';
import { renderPreviewPage } from '../preview-page.js';

const adminDir = path.join(publicAssetsDir, 'admin');
const widgetDir = path.join(publicAssetsDir, 'widget');

// Not encapsulated (fastify-plugin): the app's not-found handler serves the admin with `reply.sendFile`.
export const webAssetRoutes = fp(async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { config, database } = app.context;
  const hasWidget = existsSync(widgetDir);
  const hasAdmin = existsSync(path.join(adminDir, 'index.html'));
  if (!hasWidget || !hasAdmin) app.log.warn('Browser assets are missing; run `npm run build` to build them.');

  if (hasWidget) {
    await app.register(fastifyStatic, {
      root: widgetDir,
      prefix: '/widget/',
      decorateReply: false,
      // Embedded on other websites: they must be allowed to load these files.
      setHeaders: (response) => {
        response.setHeader('cross-origin-resource-policy', 'cross-origin');
        response.setHeader('cache-control', 'public, max-age=300');
      },
    });
    app.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('cross-origin-resource-policy', 'cross-origin');
      reply.header('cache-control', 'public, max-age=300');
      return reply.sendFile('widget.js', widgetDir);
    });
  }

  app.get(
    '/preview/:publicId',
    { schema: { hide: true, params: z.object({ publicId: z.string().max(64) }) } },
    async (request, reply) => {
      const chatbot = await findChatbotByPublicId(database.db, request.params.publicId);
      if (!chatbot)
        return reply
          .status(404)
          .type('text/html')
          .send('<!doctype html><title>Not found</title><p>This chatbot does not exist.</p>');
      // The chatbot's own keys when it has them, else the workspace's; then the platform key, when allowed.
      const scope = {
        workspaceId: chatbot.workspaceId,
        chatbotId: chatbot.llmKeySource === 'own' ? chatbot.id : null,
      };
      const { activeProvider } = await listLlmKeys(database.db, scope, {
        hasPlatformKey: config.PLATFORM_ANTHROPIC_API_KEY !== undefined,
      });
      const canAnswer = activeProvider !== 'none';
      return reply.type('text/html; charset=utf-8').send(
        renderPreviewPage({
          publicUrl: config.publicUrl,
          publicId: chatbot.publicId,
          chatbotName: chatbot.name,
          noAnswerNotice: canAnswer ? undefined : noPlatformKeyNotice,
        }),
      );
    },
  );

  // Always registered, so `reply.sendFile` exists for the widget loader and the admin's page routes.
  await app.register(fastifyStatic, {
    root: hasAdmin ? adminDir : publicAssetsDir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
  });
});

/** True for a browser asking for a page of the admin (e.g. /integrations/llm), served by its index.html. */
export function isAdminPageRequest(method: string, url: string): boolean {
  const pathname = url.split('?')[0]!;
  return (
    method === 'GET' &&
    !pathname.startsWith('/api/') &&
    path.extname(pathname) === '' &&
    existsSync(path.join(adminDir, 'index.html'))
  );
}

export const adminIndexDir = adminDir;
