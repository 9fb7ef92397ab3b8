/**
 * The one way the admin talks to BestAI: same-origin JSON over the admin API with the session cookie.
 * Errors in the contract's shape become an ApiError carrying a sentence a person can read.
 */
import type { FieldProblem } from './api-types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** For a 400: the fields at fault (`field` is a dotted path such as `allowedOrigins.0`). */
  readonly details: FieldProblem[];

  constructor(status: number, code: string, message: string, details: FieldProblem[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The top-level fields named in `details` (`allowedOrigins.0` → `allowedOrigins`). */
  get fields(): string[] {
    return [...new Set(this.details.map((problem) => problem.field.split('.')[0]!))];
  }
}

/** The contract's `details`: an array of `{field, message}`; anything else is ignored. */
function toFieldProblems(details: unknown): FieldProblem[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (item): item is FieldProblem =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as FieldProblem).field === 'string' &&
      typeof (item as FieldProblem).message === 'string',
  );
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: Method;
  body?: unknown;
  /** A 401 here is an ordinary answer (wrong password, no session yet), not an expired session. */
  allowSignedOut?: boolean;
}

let handleSessionExpired: () => void = () => {};

/** Called once by the app: what to do when the server says the session is gone. */
export function onSessionExpired(handler: () => void): void {
  handleSessionExpired = handler;
}

const fallbackMessages: Record<number, string> = {
  400: 'Some of the details are not valid. Check the form and try again.',
  401: 'Your session has ended. Sign in again.',
  403: 'Your role does not allow this.',
  404: 'This item no longer exists.',
  409: 'This conflicts with something that already exists.',
  413: 'That is too large.',
  429: 'Too many requests. Wait a moment and try again.',
};

/** A readable sentence for a failed answer, from the contract's `{error: {code, message, details}}`. */
function toApiError(status: number, payload: unknown, retryAfter: string | null): ApiError {
  const error = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)
    ?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  let message =
    typeof error?.message === 'string' && error.message.trim() !== ''
      ? error.message
      : (fallbackMessages[status] ?? 'Something went wrong on our side. Try again in a moment.');
  if (status === 429 && retryAfter && /^\d+$/.test(retryAfter) && !/second/.test(message)) {
    message = `${message.replace(/\.$/, '')}. Try again in ${retryAfter} seconds.`;
  }
  return new ApiError(status, code, message, toFieldProblems(error?.details));
}

/** Sends one request to the admin API and returns its JSON body (undefined for 204). */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  // A file upload goes as multipart/form-data; the browser writes that header with its boundary.
  const isForm = options.body instanceof FormData;
  if (method !== 'GET' && !isForm) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body:
        method === 'GET'
          ? undefined
          : isForm
            ? (options.body as FormData)
            : JSON.stringify(options.body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'BestAI cannot be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let payload: unknown = null;
  if (text !== '') {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!response.ok) {
    const error = toApiError(response.status, payload, response.headers.get('Retry-After'));
    if (response.status === 401 && !options.allowSignedOut) handleSessionExpired();
    throw error;
  }
  return payload as T;
}

/** Builds a path with a query string, leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** The path of a workspace resource. */
export function workspacePath(workspaceId: string, rest: string): string {
  return `/api/workspaces/${encodeURIComponent(workspaceId)}/${rest}`;
}
