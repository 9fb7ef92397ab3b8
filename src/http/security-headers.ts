/**
 * The security headers of every BestAI response (Content-Security-Policy and the rest of helmet's set).
 * One configuration: @fastify/helmet applies it to routed requests, and `applySecurityHeaders` to the
 * few answers Fastify gives before routing (a malformed URL, a path parameter that is too long).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

export const securityHeaderOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
} satisfies HelmetOptions;

const setHeaders = helmet(securityHeaderOptions);

/** Sets the security headers on a raw response that no Fastify hook will see. */
export function applySecurityHeaders(request: IncomingMessage, response: ServerResponse): void {
  setHeaders(request, response, () => {});
}
