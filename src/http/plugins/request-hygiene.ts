/**
 * Two rules at the edge of every request and response:
 * - NUL characters are refused (400) wherever a client can put text — body, query, path parameters —
 *   before any handler runs: PostgreSQL cannot store them, and no name, prompt or message needs one.
 * - API answers are not cached (`Cache-Control: no-store`) unless a route says otherwise: they carry a
 *   signed-in person's data, which must not stay in a shared or browser cache.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../app-error.js';
import { routePathOf } from '../route-path.js';

/** The dotted path of the first string (value or key) holding a NUL character, or null. */
function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  // Uploaded bytes are not text; walking them entry by entry would cost a step per byte.
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || depth > 32) return null;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path === '' ? key : `${path}.${key}`;
    if (key.includes('\u0000')) return itemPath;
    const found = findNul(item, itemPath, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

export const requestHygienePlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    for (const [location, value] of [
      ['body', request.body],
      ['querystring', request.query],
      ['params', request.params],
    ] as const) {
      const field = findNul(value, '');
      if (field !== null) {
        throw new AppError('invalid_request', {
          message: 'Text may not contain NUL characters.',
          details: [{ field: field || location, message: 'must not contain NUL characters' }],
        });
      }
    }
  });

  app.addHook('onSend', async (request, reply) => {
    if (routePathOf(request).startsWith('/api/') && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
  });
});
