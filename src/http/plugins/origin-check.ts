/**
 * Cross-site request protection for the admin API: a state-changing request must be JSON (forms cannot
 * send it without a CORS preflight), and a request whose `Origin` is present must come from PUBLIC_URL.
 * Scripts that send no `Origin` are accepted. The public widget API has its own per-chatbot origin rules.
 * The route is the one the router matched (`/%61pi/…` is `/api/…`), never the raw URL.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../app-error.js';
import { isAdminApiPath, routePathOf } from '../route-path.js';

const stateChangingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** `application/json`, optionally with parameters; not `application/json-seq` or `application/jsonx`. */
const jsonContentType = /^application\/json\s*(;|$)/i;
const knowledgeUploadRoute = /^\/api\/workspaces\/[^/]+\/chatbots\/[^/]+\/knowledge$/;

export const originCheckPlugin = fp(async (app: FastifyInstance, options: { publicOrigin: string }) => {
  app.addHook('onRequest', async (request) => {
    if (!stateChangingMethods.has(request.method)) return;
    const path = routePathOf(request);
    if (!isAdminApiPath(path)) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== options.publicOrigin) {
      throw new AppError('origin_not_allowed', { message: 'Requests from this origin are not allowed.' });
    }
    // HTML forms cannot send DELETE; every other state change must declare JSON, which forms cannot —
    // except a knowledge file upload, which is a form by nature. A cross-site form carries no session
    // cookie (SameSite=Lax) and, from a browser, an Origin refused above.
    const contentType = request.headers['content-type'] ?? '';
    const isJson = jsonContentType.test(contentType);
    const isUpload =
      request.method === 'POST' &&
      /^multipart\/form-data\b/i.test(contentType) &&
      knowledgeUploadRoute.test(path);
    if (request.method !== 'DELETE' && !isJson && !isUpload) {
      throw new AppError('unsupported_media_type', { message: 'Send the request body as application/json.' });
    }
  });
});
