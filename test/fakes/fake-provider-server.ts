/**
 * Fake Anthropic, OpenAI, Groq and DeepSeek APIs on one local HTTP server, speaking each provider's
 * real wire format (see fake-provider-formats.ts). Tests steer it directly; other processes (bench,
 * multi-process tests) steer it through `{url}/__control/*`.
 *
 * Roots: `{url}/anthropic/v1`, `{url}/openai/v1`, `{url}/groq/openai/v1`, `{url}/deepseek/v1`, each
 * with `POST /messages` or `POST /chat/completions` (streaming only) and `GET /models`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderId } from '../../src/llm/providers/provider-types.js';
import {
  badRequestError,
  encodeHead,
  encodeStreamError,
  encodeTail,
  encodeText,
  errorForStatus,
  invalidKeyError,
  missingKeyError,
  modelList,
  modelNotFoundError,
  notFoundRouteError,
  outOfCreditError,
  type ReplyShape,
} from './fake-provider-formats.js';
import { handleControlRequest } from './fake-provider-control.js';
import {
  estimateTokens,
  isChatBody,
  readBody,
  sendJson,
  splitReply,
  textOf,
  write,
  type ChatBody,
} from './fake-provider-requests.js';

export type FakeEndpoint = 'chat' | 'models';

export interface FakeReply {
  text: string;
  chunks: number;
  chunkDelayMs: number;
  /** Reply with the last user message instead of `text`. */
  echo: boolean;
}

export interface FakeRequest {
  provider: ProviderId;
  endpoint: FakeEndpoint | null;
  method: string;
  path: string;
  apiKey: string | null;
  body: unknown;
  at: Date;
}

export interface FakeFailure {
  status: number;
  /** The provider's own body for `status` when absent. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Only fail this endpoint; by default the next request of either kind fails. */
  endpoint?: FakeEndpoint;
}

export interface FakeHold {
  /** Resolves once the first text chunk has been written. */
  started: Promise<void>;
  release(): void;
}

export interface FakeProviders {
  readonly url: string;
  baseURL(provider: ProviderId): string;
  readonly requests: readonly FakeRequest[];
  /** Model names answered with the provider's "model not found" error. */
  readonly unknownModels: Set<string>;
  readonly openStreams: number;
  setReply(reply: Partial<FakeReply>): void;
  rejectKey(key: string): void;
  /** The whole provider account, or only `key`, has run out of credit (chat requests only, as upstream). */
  setOutOfCredit(provider: ProviderId, key?: string): void;
  failNext(provider: ProviderId, failure: FakeFailure): void;
  /** Destroys the socket after `afterChunks` text chunks (0: right after the headers). */
  dropNext(provider: ProviderId, options: { afterChunks: number }): void;
  /** Sends the provider's in-stream error event after `afterChunks` text chunks. */
  failMidStreamNext(provider: ProviderId, options: { afterChunks: number; body?: unknown }): void;
  holdNext(provider: ProviderId): FakeHold;
  /** Resolves when a client next closes a stream before it was complete. Call it before causing the close. */
  nextDisconnect(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export const defaultFakeReply: Readonly<FakeReply> = Object.freeze({
  text: 'Hello! This is a reply from the fake provider.',
  chunks: 5,
  chunkDelayMs: 0,
  echo: false,
});

export const defaultUnknownModel = 'no-such-model';

const roots: Record<ProviderId, string> = {
  anthropic: '/anthropic/v1',
  openai: '/openai/v1',
  groq: '/groq/openai/v1',
  deepseek: '/deepseek/v1',
};
const providerIds = Object.keys(roots) as ProviderId[];
const maxRecordedRequests = 10_000;

interface ProviderState {
  failures: FakeFailure[];
  drops: number[];
  midStreamErrors: { afterChunks: number; body?: unknown }[];
  holds: { markStarted(): void; released: Promise<void> }[];
  isOutOfCredit: boolean;
  outOfCreditKeys: Set<string>;
}

function emptyState(): ProviderState {
  return {
    failures: [],
    drops: [],
    midStreamErrors: [],
    holds: [],
    isOutOfCredit: false,
    outOfCreditKeys: new Set(),
  };
}

/** Starts the fake on 127.0.0.1 (port 0: any free port). */
export async function startFakeProviders(
  options: { port?: number; host?: string } = {},
): Promise<FakeProviders> {
  const host = options.host ?? '127.0.0.1';
  let reply: FakeReply = { ...defaultFakeReply };
  let textCache = new Map<string, Buffer[]>();
  const states = new Map<ProviderId, ProviderState>(providerIds.map((id) => [id, emptyState()]));
  const requests: FakeRequest[] = [];
  const rejectedKeys = new Set<string>();
  const unknownModels = new Set<string>([defaultUnknownModel]);
  let disconnectWaiters: (() => void)[] = [];
  let openStreams = 0;
  let requestNumber = 0;

  const stateOf = (provider: ProviderId): ProviderState => states.get(provider) as ProviderState;

  function route(path: string): { provider: ProviderId; endpoint: FakeEndpoint | null } | undefined {
    for (const provider of providerIds) {
      const root = roots[provider];
      if (!path.startsWith(root)) continue;
      const rest = path.slice(root.length);
      const chatPath = provider === 'anthropic' ? '/messages' : '/chat/completions';
      return { provider, endpoint: rest === chatPath ? 'chat' : rest === '/models' ? 'models' : null };
    }
    return undefined;
  }

  function textChunks(shape: ReplyShape, text: string, isEcho: boolean): Buffer[] {
    const build = (): Buffer[] =>
      splitReply(text, reply.chunks).map((piece) => Buffer.from(encodeText(shape, piece)));
    if (isEcho) return build();
    const key = `${shape.provider}\u0000${shape.model}\u0000${shape.includeUsage}`;
    let cached = textCache.get(key);
    if (!cached) {
      cached = build();
      textCache.set(key, cached);
    }
    return cached;
  }

  async function streamReply(response: ServerResponse, provider: ProviderId, body: ChatBody): Promise<void> {
    const state = stateOf(provider);
    const lastUser = [...body.messages].reverse().find((message) => message.role === 'user');
    const echoed = reply.echo ? textOf(lastUser?.content) : '';
    const text = echoed || reply.text;
    const promptCharacters =
      textOf(body.system).length +
      body.messages.reduce((sum, message) => sum + textOf(message.content).length, 0);
    const shape: ReplyShape = {
      provider,
      model: body.model,
      includeUsage: body.stream_options?.include_usage === true,
      inputTokens: estimateTokens(promptCharacters),
      outputTokens: estimateTokens(text.length),
      requestNumber: ++requestNumber,
    };
    const chunks = textChunks(shape, text, echoed !== '');
    const drop = state.drops.shift();
    const midStreamError = state.midStreamErrors.shift();
    const hold = state.holds.shift();
    const delayMs = reply.chunkDelayMs;
    let isClosed = false;
    let isDroppedByServer = false;
    let wakeUp: (() => void) | undefined;

    openStreams++;
    response.on('close', () => {
      isClosed = true;
      openStreams--;
      wakeUp?.();
      if (!response.writableFinished && !isDroppedByServer) {
        const waiters = disconnectWaiters;
        disconnectWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });
    const pause = (until: Promise<void> | number): Promise<void> =>
      new Promise((resolve) => {
        wakeUp = resolve;
        if (typeof until === 'number') setTimeout(resolve, until);
        else void until.then(resolve);
      });
    const dropNow = (): void => {
      isDroppedByServer = true;
      response.socket?.destroy();
    };

    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...(provider === 'anthropic'
        ? { 'request-id': `req_fake${shape.requestNumber}` }
        : { 'x-request-id': `req_fake${shape.requestNumber}` }),
    });
    await write(response, encodeHead(shape));
    if (drop === 0) return dropNow();
    if (midStreamError?.afterChunks === 0)
      return void response.end(encodeStreamError(provider, midStreamError.body));
    for (let index = 0; index < chunks.length; index++) {
      if (index > 0 && delayMs > 0) await pause(delayMs);
      if (isClosed) return;
      const sent = index + 1;
      const isLastText = sent === chunks.length;
      const isDropHere = drop !== undefined && (sent === drop || (isLastText && drop > sent));
      const isErrorHere =
        midStreamError !== undefined &&
        (sent === midStreamError.afterChunks || (isLastText && midStreamError.afterChunks > sent));
      const isHoldHere = index === 0 && hold !== undefined;
      const chunk = chunks[index] as Buffer;
      // Wait for the flush only where the next step depends on the client having the bytes.
      if (isDropHere || isHoldHere) await write(response, chunk);
      else response.write(chunk);
      if (isHoldHere) {
        hold.markStarted();
        await pause(hold.released);
        if (isClosed) return;
      }
      if (isDropHere) return dropNow();
      if (isErrorHere) return void response.end(encodeStreamError(provider, midStreamError.body));
    }
    if (!isClosed) response.end(encodeTail(shape));
  }

  async function handleProvider(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> {
    const matched = route(path);
    if (!matched) {
      sendJson(response, {
        status: 404,
        body: { error: { message: 'Not found', type: 'invalid_request_error' } },
      });
      return;
    }
    const { provider, endpoint } = matched;
    const method = request.method ?? 'GET';
    const text = method === 'POST' ? await readBody(request) : '';
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    const header = provider === 'anthropic' ? request.headers['x-api-key'] : request.headers.authorization;
    const rawKey = Array.isArray(header) ? header[0] : header;
    const apiKey = provider === 'anthropic' ? (rawKey ?? null) : (rawKey?.replace(/^Bearer\s+/i, '') ?? null);
    requests.push({ provider, endpoint, method, path, apiKey, body, at: new Date() });
    if (requests.length > maxRecordedRequests) requests.splice(0, requests.length - maxRecordedRequests);

    const expectedMethod = endpoint === 'chat' ? 'POST' : 'GET';
    if (endpoint === null || method !== expectedMethod)
      return sendJson(response, notFoundRouteError(provider));
    if (!apiKey) return sendJson(response, missingKeyError(provider));
    if (rejectedKeys.has(apiKey)) return sendJson(response, invalidKeyError(provider, apiKey));
    const state = stateOf(provider);
    const failureIndex = state.failures.findIndex(
      (failure) => !failure.endpoint || failure.endpoint === endpoint,
    );
    if (failureIndex >= 0) {
      const [failure] = state.failures.splice(failureIndex, 1) as [FakeFailure];
      const answer =
        failure.body === undefined
          ? errorForStatus(provider, failure.status)
          : { status: failure.status, body: failure.body };
      return sendJson(response, { ...answer, status: failure.status, headers: failure.headers ?? {} });
    }
    if (endpoint === 'models') return sendJson(response, { status: 200, body: modelList(provider) });

    if (provider === 'anthropic' && !request.headers['anthropic-version']) {
      return sendJson(response, badRequestError(provider, 'anthropic-version: header is required'));
    }
    if (!isChatBody(body))
      return sendJson(
        response,
        badRequestError(provider, 'The request body must name a model and its messages.'),
      );
    if (body.stream !== true) {
      return sendJson(
        response,
        badRequestError(provider, 'This fake provider only answers streaming requests ("stream": true).'),
      );
    }
    if (unknownModels.has(body.model)) return sendJson(response, modelNotFoundError(provider, body.model));
    if (state.isOutOfCredit || state.outOfCreditKeys.has(apiKey))
      return sendJson(response, outOfCreditError(provider));
    await streamReply(response, provider, body);
  }

  const fake: FakeProviders = {
    url: '',
    baseURL: (provider) => `${fake.url}${roots[provider]}`,
    get requests() {
      return requests;
    },
    unknownModels,
    get openStreams() {
      return openStreams;
    },
    setReply(next) {
      reply = { ...defaultFakeReply, ...next };
      textCache = new Map();
    },
    rejectKey: (key) => void rejectedKeys.add(key),
    setOutOfCredit(provider, key) {
      if (key === undefined) stateOf(provider).isOutOfCredit = true;
      else stateOf(provider).outOfCreditKeys.add(key);
    },
    failNext: (provider, failure) => void stateOf(provider).failures.push(failure),
    dropNext: (provider, { afterChunks }) => void stateOf(provider).drops.push(afterChunks),
    failMidStreamNext: (provider, options) => void stateOf(provider).midStreamErrors.push(options),
    holdNext(provider) {
      let markStarted!: () => void;
      let release!: () => void;
      const started = new Promise<void>((resolve) => (markStarted = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      stateOf(provider).holds.push({ markStarted, released });
      return { started, release };
    },
    nextDisconnect: () => new Promise<void>((resolve) => disconnectWaiters.push(resolve)),
    reset() {
      reply = { ...defaultFakeReply };
      textCache = new Map();
      for (const id of providerIds) states.set(id, emptyState());
      requests.length = 0;
      rejectedKeys.clear();
      unknownModels.clear();
      unknownModels.add(defaultUnknownModel);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] as string;
    const handled = path.startsWith('/__control/')
      ? handleControlRequest(fake, request, response, path, readBody)
      : handleProvider(request, response, path);
    handled.catch(() => {
      if (!response.headersSent)
        sendJson(response, { status: 500, body: { error: { message: 'fake provider failure' } } });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  (fake as { url: string }).url = `http://${host}:${port}`;
  return fake;
}
