/**
 * What never reaches a log line: credentials in headers and bodies (pino `redact`), and the single-use
 * secrets that travel in URL paths (invitation and password-reset tokens). The path rule is applied twice:
 * to the request's URL when it is logged (decoded, so `/%69nvite/…` is caught too), and to every finished
 * line before it is written, so a URL quoted in any message is covered as well.
 */
import type { LoggerOptions } from 'pino';

/**
 * Paths whose next segment is a single-use secret. A new route with a token in its path adds one line.
 * Matched case-insensitively on decoded segments, anywhere in the path.
 */
export const secretPathPrefixes: readonly string[] = [
  '/invite/',
  '/api/invitations/',
  '/reset-password/',
  '/api/auth/password-reset/',
];

export const REDACTED = '[redacted]';

/** Paths of values that must never reach a log line. */
export const redactedLogPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'apiKey',
  'password',
  '*.apiKey',
  '*.password',
  '*.*.apiKey',
  '*.*.password',
];

const prefixSegments = secretPathPrefixes.map((prefix) =>
  prefix
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => segment.toLowerCase()),
);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/** The URL with each secret path segment replaced by `[redacted]`; the query string is kept. */
export function redactUrl(url: string): string {
  const queryStart = url.search(/[?#]/);
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const rest = queryStart === -1 ? '' : url.slice(queryStart);
  const segments = path.split('/');
  const decoded = segments.map(decodeSegment);
  let changed = false;
  for (let index = 0; index < segments.length; index++) {
    for (const prefix of prefixSegments) {
      const secretIndex = index + prefix.length;
      if (secretIndex >= segments.length || segments[secretIndex] === '') continue;
      if (prefix.every((segment, offset) => decoded[index + offset] === segment)) {
        segments[secretIndex] = REDACTED;
        changed = true;
      }
    }
  }
  return changed ? segments.join('/') + rest : url;
}

const escapeForRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const secretInText = new RegExp(
  `(${secretPathPrefixes.map(escapeForRegExp).join('|')})[^/?#"\\s\\\\]+`,
  'gi',
);

/** Any text (a whole log line) with the secret segment after each prefix replaced by `[redacted]`. */
export function redactSecretPaths(text: string): string {
  return text.replace(secretInText, `$1${REDACTED}`);
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * The logger options of BestAI, for the server and for tests alike: redacted credentials, request URLs
 * without their secret segments, and a last pass over each line.
 */
export function createLoggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: redactedLogPaths,
    serializers: {
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
    hooks: { streamWrite: redactSecretPaths },
  };
}
