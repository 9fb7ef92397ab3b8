/**
 * Which route a request is for, as the router saw it: the registered pattern when one matched (the router
 * decodes `%61pi` to `api` before matching), otherwise the decoded path with repeated slashes folded.
 * Checks that depend on the path (origin, cache) use this, never the raw URL.
 */
import type { FastifyRequest } from 'fastify';

function decodedPath(url: string): string {
  const path = url.split(/[?#]/, 1)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  return decoded.replace(/\/{2,}/g, '/');
}

export function routePathOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? decodedPath(request.url);
}

/** The admin API: session-authenticated JSON under `/api/`, apart from the public widget API. */
export function isAdminApiPath(path: string): boolean {
  return path.startsWith('/api/') && !path.startsWith('/api/widget/');
}
