/**
 * The widget's side of the public widget API (see CONTRACT.md, "Widget").
 * Every request omits credentials: the widget never sends or receives cookies.
 */

/** The chatbot's public look, from `GET /api/widget/:publicId/config`. */
export interface WidgetConfig {
  title: string;
  greeting: string;
  color: string;
  position: 'left' | 'right';
  theme: 'light' | 'dark' | 'auto';
  /** The language of the widget's own words. */
  language: string;
  starterQuestions: string[];
}

/** What the loader learned about the chatbot before drawing anything. */
export type WidgetConfigState =
  | { status: 'ready'; config: WidgetConfig }
  | { status: 'forbidden' }
  | { status: 'missing' }
  | { status: 'failed' };

export interface ConversationSession {
  conversationId: string;
  visitorToken: string;
}

export interface HistoryMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status?: string;
  createdAt?: string;
}

/** A non-2xx answer, with the parts of `{"error":{"code","message"}}` and `Retry-After` we use. */
export class WidgetApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'WidgetApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Builds `{origin}/api/widget/{publicId}{path}` with the public id escaped. */
export function buildWidgetUrl(origin: string, publicId: string, path = ''): string {
  return `${origin}/api/widget/${encodeURIComponent(publicId)}${path}`;
}

/**
 * Fetches the chatbot's look; 403 and 404 become states rather than errors.
 * A server may refuse an origin with a 403 that carries no CORS headers, which the browser
 * reports as a network error. So on a network error a second, `no-cors` request tells them
 * apart: if the server answers at all, this origin is the problem ("not available here").
 */
export async function fetchWidgetConfig(origin: string, publicId: string): Promise<WidgetConfigState> {
  const url = buildWidgetUrl(origin, publicId, '/config');
  try {
    const response = await fetch(url, { credentials: 'omit' });
    if (response.status === 403) return { status: 'forbidden' };
    if (response.status === 404) return { status: 'missing' };
    if (!response.ok) return { status: 'failed' };
    return { status: 'ready', config: normalizeConfig(await response.json()) };
  } catch {
    try {
      await fetch(url, { credentials: 'omit', mode: 'no-cors' });
      return { status: 'forbidden' };
    } catch {
      return { status: 'failed' };
    }
  }
}

const DEFAULT_COLOR = '#4f46e5';

/** Keeps only well-formed values: the colour ends up in a stylesheet, so it must be a plain colour. */
export function normalizeConfig(raw: unknown): WidgetConfig {
  const value = (raw ?? {}) as Record<string, unknown>;
  const color = typeof value.color === 'string' ? value.color.trim() : '';
  return {
    title: typeof value.title === 'string' ? value.title : '',
    greeting: typeof value.greeting === 'string' ? value.greeting : '',
    color: /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) ? color : DEFAULT_COLOR,
    position: value.position === 'left' ? 'left' : 'right',
    theme: value.theme === 'dark' || value.theme === 'auto' ? value.theme : 'light',
    language: typeof value.language === 'string' ? value.language : 'en',
    starterQuestions: Array.isArray(value.starterQuestions)
      ? value.starterQuestions
          .filter((question): question is string => typeof question === 'string')
          .slice(0, 4)
      : [],
  };
}

/** Parses `Retry-After` (seconds or an HTTP date) into whole seconds, at least 1. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(1, Math.ceil((date - now) / 1000));
}

async function toApiError(response: Response): Promise<WidgetApiError> {
  let code = 'http_' + response.status;
  let message = response.statusText;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  return new WidgetApiError(
    response.status,
    code,
    message,
    parseRetryAfter(response.headers.get('Retry-After')),
  );
}

/** `POST /conversations` → a fresh conversation and the visitor token that owns it. */
export async function createConversation(origin: string, publicId: string): Promise<ConversationSession> {
  const response = await fetch(buildWidgetUrl(origin, publicId, '/conversations'), {
    method: 'POST',
    credentials: 'omit',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw await toApiError(response);
  const body = (await response.json()) as Partial<ConversationSession>;
  if (typeof body.conversationId !== 'string' || typeof body.visitorToken !== 'string') {
    throw new WidgetApiError(response.status, 'bad_response', 'Unexpected answer');
  }
  return { conversationId: body.conversationId, visitorToken: body.visitorToken };
}

function conversationUrl(origin: string, publicId: string, session: ConversationSession): string {
  return buildWidgetUrl(
    origin,
    publicId,
    `/conversations/${encodeURIComponent(session.conversationId)}/messages`,
  );
}

/** `GET …/messages` → the stored history of the conversation. */
export async function fetchHistory(
  origin: string,
  publicId: string,
  session: ConversationSession,
): Promise<HistoryMessage[]> {
  const response = await fetch(conversationUrl(origin, publicId, session), {
    credentials: 'omit',
    headers: { Authorization: `Bearer ${session.visitorToken}` },
  });
  if (!response.ok) throw await toApiError(response);
  const body = (await response.json()) as { messages?: unknown };
  if (!Array.isArray(body.messages)) return [];
  return body.messages.filter(
    (message): message is HistoryMessage =>
      typeof message === 'object' &&
      message !== null &&
      (message.role === 'user' || message.role === 'assistant') &&
      typeof message.content === 'string',
  );
}

/** `POST …/messages` → the `text/event-stream` response body, or a {@link WidgetApiError}. */
export async function postMessage(
  origin: string,
  publicId: string,
  session: ConversationSession,
  content: string,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const response = await fetch(conversationUrl(origin, publicId, session), {
    method: 'POST',
    credentials: 'omit',
    headers: {
      Authorization: `Bearer ${session.visitorToken}`,
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
    },
    body: JSON.stringify({ content }),
    signal,
  });
  if (!response.ok) throw await toApiError(response);
  if (!response.body) throw new WidgetApiError(response.status, 'bad_response', 'Empty answer');
  return response.body;
}

/** `PUT …/messages/:id/rating`: the visitor's thumbs up or down on an answer (`null` takes it back). */
export async function rateMessage(
  origin: string,
  publicId: string,
  session: ConversationSession,
  messageId: string,
  rating: 'up' | 'down' | null,
): Promise<void> {
  const response = await fetch(
    `${conversationUrl(origin, publicId, session)}/${encodeURIComponent(messageId)}/rating`,
    {
      method: 'PUT',
      credentials: 'omit',
      headers: { Authorization: `Bearer ${session.visitorToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ rating }),
    },
  );
  if (!response.ok) throw await toApiError(response);
}
