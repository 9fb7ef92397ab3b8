/**
 * The wire work both adapters share: one POST that answers with Server-Sent Events, read with
 * `eventsource-parser`, under three deadlines (connect, first token, idle), aborted when the caller's
 * signal aborts or the consumer stops iterating; and the `GET {root}/models` key check.
 *
 * Per chunk this does one `Date.now()` and one parser feed: the gateway's hot path.
 */
import { z } from 'zod';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ProviderError, transportMessages } from './provider-error.js';
import {
  defaultProviderTimeouts,
  type ProviderId,
  type ProviderTimeouts,
  type ReplyDeadlines,
} from './provider-types.js';
import {
  postWithFetch,
  postWithNodeHttp,
  type UpstreamPost,
  type UpstreamResponse,
} from './upstream-post.js';

export type { EventSourceMessage };

/** A non-2xx answer, handed to the adapter that knows the provider's error body. */
export interface FailedResponse {
  status: number;
  text: string;
  headers: Headers;
}

export type ErrorTranslator = (response: FailedResponse) => ProviderError;

/** Fills in defaults, ignoring keys that are present but undefined. */
export function resolveTimeouts(partial: Partial<ProviderTimeouts> | undefined): ProviderTimeouts {
  const resolved: ProviderTimeouts = { ...defaultProviderTimeouts };
  if (!partial) return resolved;
  for (const key of Object.keys(resolved) as (keyof ProviderTimeouts)[]) {
    const value = partial[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) resolved[key] = value;
  }
  return resolved;
}

export function trimBaseURL(baseURL: string): string {
  return baseURL.replace(/\/+$/, '');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

type TimeoutKind = 'connect' | 'firstToken' | 'idle';

const timeoutMessages: Record<TimeoutKind, string> = {
  connect: transportMessages.connectTimeout,
  firstToken: transportMessages.firstTokenTimeout,
  idle: transportMessages.idleTimeout,
};

/**
 * One timer for the three deadlines. The idle deadline is checked lazily: chunks only record the
 * time, and the timer re-arms itself for the remainder instead of being reset on every chunk. With
 * `deadlines` (a retry), connect and first token get only what is left of the reply's budget.
 */
class StreamWatchdog {
  timedOut: TimeoutKind | null = null;
  #phase: 'idle' | 'connect' | 'firstToken' | 'streaming' | 'stopped' = 'idle';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastActivity = 0;
  readonly #timeouts: ProviderTimeouts;
  readonly #deadlines: ReplyDeadlines | undefined;
  readonly #controller: AbortController;

  constructor(
    timeouts: ProviderTimeouts,
    deadlines: ReplyDeadlines | undefined,
    controller: AbortController,
  ) {
    this.#timeouts = timeouts;
    this.#deadlines = deadlines;
    this.#controller = controller;
  }

  start(): void {
    this.#phase = 'connect';
    this.#arm(this.#within(this.#timeouts.connectMs, this.#deadlines?.headersBy), () =>
      this.#fire('connect'),
    );
  }

  responded(): void {
    if (this.#phase !== 'connect') return;
    this.#phase = 'firstToken';
    this.#arm(this.#within(this.#timeouts.firstTokenMs, this.#deadlines?.firstTokenBy), () =>
      this.#fire('firstToken'),
    );
  }

  /** The timeout, or less when the shared deadline comes first. */
  #within(timeoutMs: number, deadline: number | undefined): number {
    return deadline === undefined ? timeoutMs : Math.max(0, Math.min(timeoutMs, deadline - Date.now()));
  }

  sawText(): void {
    if (this.#phase !== 'firstToken') return;
    this.#phase = 'streaming';
    this.#lastActivity = Date.now();
    this.#arm(this.#timeouts.idleMs, this.#checkIdle);
  }

  activity(): void {
    if (this.#phase === 'streaming') this.#lastActivity = Date.now();
  }

  stop(): void {
    this.#phase = 'stopped';
    clearTimeout(this.#timer);
  }

  readonly #checkIdle = (): void => {
    if (this.#phase !== 'streaming') return;
    const silentFor = Date.now() - this.#lastActivity;
    if (silentFor >= this.#timeouts.idleMs) this.#fire('idle');
    else this.#arm(this.#timeouts.idleMs - silentFor, this.#checkIdle);
  };

  #arm(delayMs: number, callback: () => void): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(callback, delayMs);
  }

  #fire(kind: TimeoutKind): void {
    if (this.#phase === 'stopped') return;
    this.#phase = 'stopped';
    this.timedOut = kind;
    this.#controller.abort();
  }
}

/** The transport for a streamed reply: node:http unless the caller brought its own `fetch`. */
export function upstreamPostFor(fetchImpl: typeof fetch | undefined): UpstreamPost {
  return fetchImpl ? postWithFetch(fetchImpl) : postWithNodeHttp;
}

export interface EventStreamRequest {
  provider: ProviderId;
  post: UpstreamPost;
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal | undefined;
  timeouts: ProviderTimeouts;
  deadlines?: ReplyDeadlines;
  toError: ErrorTranslator;
}

/**
 * Iterate it once for the SSE messages of one POST. Call `sawText()` when the adapter yields its first
 * text, which switches the deadline from "first token" to "idle". Failures reject with a
 * `ProviderError`, except a caller abort, which rejects with the signal's reason.
 */
export class EventStream implements AsyncIterable<EventSourceMessage> {
  readonly #request: EventStreamRequest;
  readonly #controller = new AbortController();
  readonly #watchdog: StreamWatchdog;
  #isBodyRead = false;

  constructor(request: EventStreamRequest) {
    this.#request = request;
    this.#watchdog = new StreamWatchdog(request.timeouts, request.deadlines, this.#controller);
  }

  sawText(): void {
    this.#watchdog.sawText();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<EventSourceMessage, void, undefined> {
    const { signal } = this.#request;
    signal?.throwIfAborted();
    const abortFromCaller = (): void => this.#controller.abort(signal?.reason);
    signal?.addEventListener('abort', abortFromCaller, { once: true });
    this.#watchdog.start();
    try {
      const response = await this.#send();
      yield* this.#read(response);
    } finally {
      this.#watchdog.stop();
      signal?.removeEventListener('abort', abortFromCaller);
      // Ends the upstream request when the consumer stopped early or something failed. A body read to the end
      // needs nothing, and skipping abort() there saves a DOMException (with its stack) on every reply.
      if (!this.#isBodyRead) this.#controller.abort();
    }
  }

  async #send(): Promise<UpstreamResponse> {
    const { post, url, headers, body, toError } = this.#request;
    let response: UpstreamResponse;
    try {
      response = await post({ url, headers, body, signal: this.#controller.signal });
    } catch (error) {
      throw this.#failure(error, transportMessages.unreachable);
    }
    this.#watchdog.responded();
    if (response.status >= 200 && response.status < 300) return response;
    const text = await response.text().catch(() => '');
    if (this.#request.signal?.aborted || this.#watchdog.timedOut) throw this.#failure(null, '');
    throw toError({ status: response.status, text, headers: response.headers() });
  }

  async *#read(response: UpstreamResponse): AsyncGenerator<EventSourceMessage, void, undefined> {
    const pending: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (message) => pending.push(message) });
    const pieces = response.chunks()[Symbol.asyncIterator]();
    for (;;) {
      // try/catch rather than `.catch()`: no extra promise per chunk on the hot path.
      let piece: IteratorResult<string>;
      try {
        piece = await pieces.next();
      } catch (error) {
        throw this.#failure(error, transportMessages.dropped);
      }
      if (piece.done) break;
      this.#watchdog.activity();
      parser.feed(piece.value);
      if (pending.length === 0) continue;
      for (let index = 0; index < pending.length; index++) yield pending[index] as EventSourceMessage;
      pending.length = 0;
    }
    this.#isBodyRead = true;
    parser.reset({ consume: true });
    for (const message of pending) yield message;
  }

  #failure(error: unknown, transportMessage: string): unknown {
    const { signal, provider } = this.#request;
    if (signal?.aborted) return signal.reason;
    const timeout = this.#watchdog.timedOut;
    if (timeout)
      return new ProviderError({ provider, code: 'provider_unavailable', message: timeoutMessages[timeout] });
    if (error instanceof ProviderError) return error;
    return new ProviderError({
      provider,
      code: 'provider_unavailable',
      message: transportMessage,
      cause: describeTransportError(error),
    });
  }
}

/**
 * A plain copy of a network error: its message and system code only, so no request object, header or
 * key can travel along in `cause`.
 */
function describeTransportError(error: unknown): Error {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return new Error(parts.join(': ') || 'network error');
}

export interface KeyCheckRequest {
  provider: ProviderId;
  fetch: typeof fetch;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  toError: ErrorTranslator;
}

/** Anthropic and the OpenAI family both answer `{data: [{id, …}, …], …}`; nothing else is read. */
const modelListSchema = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });

/**
 * `GET {root}/models` with the key: the ids the provider offers for it (which also proves the key
 * works); otherwise rejects with the adapter's mapping.
 */
export async function listModelsWithKey(request: KeyCheckRequest): Promise<string[]> {
  const { provider, signal, fetch } = request;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const abortFromCaller = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', abortFromCaller, { once: true });
  let text: string;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'GET',
      headers: request.headers,
      signal: controller.signal,
    });
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new ProviderError({
      provider,
      code: 'provider_unavailable',
      message: timedOut ? transportMessages.connectTimeout : transportMessages.unreachable,
      ...(timedOut ? {} : { cause: describeTransportError(error) }),
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abortFromCaller);
  }
  if (!response.ok) throw request.toError({ status: response.status, text, headers: response.headers });
  const list = modelListSchema.safeParse(parseJson(text));
  if (!list.success) {
    throw new ProviderError({ provider, code: 'unknown', message: transportMessages.unreadable });
  }
  return list.data.data.map((model) => model.id);
}
