/**
 * A stand-in for the BestAI server's public widget API, used by the widget bench
 * (bench/widget-bench.ts) to time the widget without a database. The browser tests run against the
 * real app instead (real-widget-backend.ts).
 * It speaks the contract (CONTRACT.md, "Widget"): static widget files, the chatbot config,
 * conversations and `text/event-stream` replies, with CORS for allowed origins. Knobs can
 * hold a reply mid-stream, fail it, or answer 429. A second server on another port (another
 * origin) serves host pages that embed the widget the way a customer's site does.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface StubConfig {
  title: string;
  greeting: string;
  color: string;
  position: 'left' | 'right';
}

/** How the stub answers the next message: these chunks as `delta` events, then `done` or `error`. */
export interface ScriptedReply {
  chunks: string[];
  /** Stop after this many chunks until `release()` is called. */
  holdAfter?: number;
  /** End with `event: error` and this friendly sentence instead of `done`. */
  fail?: string;
}

export interface ReplyHandle {
  release(): void;
}

export interface StubMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: 'complete' | 'error';
  createdAt: string;
}

export interface StubControl {
  /** Back to defaults: config, allowed origins, empty reply queue, no pending 429; releases holds. */
  reset(): void;
  setConfig(config: Partial<StubConfig>): void;
  /** Origins allowed to use the widget API; an empty list allows every origin. */
  setAllowedOrigins(origins: string[]): void;
  queueReply(reply: ScriptedReply): ReplyHandle;
  rateLimitNextMessage(retryAfterSeconds: number): void;
  /** Ids of the conversations created so far, oldest first. */
  conversationIds(): string[];
  messagesOf(conversationId: string): StubMessage[];
}

export interface HostPageOptions {
  publicId?: string;
  /** Global CSS of the host page (ignored when `csp` forbids styles). */
  css?: string;
  /** A Content-Security-Policy header for the host page; `{apiOrigin}` is replaced. */
  csp?: string;
  /** Extra HTML for the page body, before the embed snippet. */
  bodyHtml?: string;
  title?: string;
}

export interface WidgetBackend {
  apiOrigin: string;
  hostOrigin: string;
  publicId: string;
  /** Registers a host page and returns its URL (on the host origin). */
  hostPageUrl(options?: HostPageOptions): string;
  control: StubControl;
  close(): Promise<void>;
}

export const defaultStubConfig: StubConfig = {
  title: 'Acme Outdoor',
  greeting: 'Hi! I am the Acme assistant. Ask me about orders, sizes or returns.',
  color: '#4f46e5',
  position: 'right',
};

interface Conversation {
  id: string;
  visitorToken: string;
  messages: StubMessage[];
}

interface QueuedReply extends ScriptedReply {
  held: Promise<void>;
  release(): void;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, status: number, code: string, message: string, headers = {}) {
  sendJson(response, status, { error: { code, message } }, headers);
}

/** Splits a default answer into a few chunks, as a provider would stream it. */
function defaultReply(content: string): ScriptedReply {
  const text = `Thanks for your message! You said: ${content}`;
  const third = Math.ceil(text.length / 3);
  return { chunks: [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)] };
}

/** Starts the stub API (serving the widget files from `widgetDir`) and a host-page server. */
export async function startWidgetBackend(options: {
  widgetDir: string;
  publicId?: string;
}): Promise<WidgetBackend> {
  const publicId = options.publicId ?? 'pub_demo_123';
  let config: StubConfig = { ...defaultStubConfig };
  let allowedOrigins: string[] = [];
  let replies: QueuedReply[] = [];
  let pendingRateLimit: number | undefined;
  const conversations = new Map<string, Conversation>();
  const hostPages = new Map<string, HostPageOptions>();
  let apiOrigin = '';

  const releaseAll = () => replies.forEach((reply) => reply.release());
  const isAllowed = (origin: string | undefined) =>
    allowedOrigins.length === 0 || (origin !== undefined && allowedOrigins.includes(origin));

  function corsHeaders(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin;
    if (!origin) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Expose-Headers': 'Retry-After',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    };
  }

  async function serveWidgetFile(response: ServerResponse, name: string): Promise<void> {
    try {
      const code = await readFile(join(options.widgetDir, name));
      response.writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-store',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      });
      response.end(code);
    } catch {
      sendError(response, 404, 'not_found', 'No such file.');
    }
  }

  function authorize(
    request: IncomingMessage,
    response: ServerResponse,
    id: string,
  ): Conversation | undefined {
    const conversation = conversations.get(id);
    const cors = corsHeaders(request);
    if (!conversation) return void sendError(response, 404, 'not_found', 'Conversation not found.', cors);
    if (request.headers.authorization !== `Bearer ${conversation.visitorToken}`) {
      return void sendError(
        response,
        401,
        'unauthorized',
        'This conversation belongs to someone else.',
        cors,
      );
    }
    return conversation;
  }

  async function streamReply(
    response: ServerResponse,
    cors: Record<string, string>,
    conversation: Conversation,
  ) {
    const reply = replies.shift() ?? { ...defaultReply(conversation.messages.at(-1)?.content ?? '') };
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      ...cors,
    });
    response.write(': connected\n\n');
    let text = '';
    for (const [index, chunk] of reply.chunks.entries()) {
      if (index === reply.holdAfter && 'held' in reply) await reply.held;
      text += chunk;
      response.write(`event: delta\ndata: ${JSON.stringify({ text: chunk })}\n\n`);
    }
    if (reply.holdAfter !== undefined && reply.holdAfter >= reply.chunks.length && 'held' in reply) {
      await reply.held;
    }
    if (reply.fail) {
      response.end(`event: error\ndata: ${JSON.stringify({ message: reply.fail })}\n\n`);
      return;
    }
    const messageId = randomUUID();
    conversation.messages.push({
      id: messageId,
      role: 'assistant',
      content: text,
      status: 'complete',
      createdAt: new Date().toISOString(),
    });
    response.end(`event: done\ndata: ${JSON.stringify({ messageId })}\n\n`);
  }

  async function handleApi(
    request: IncomingMessage,
    response: ServerResponse,
    path: string[],
  ): Promise<void> {
    const cors = corsHeaders(request);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, cors);
      return void response.end();
    }
    const [requestedId, resource, conversationId, tail] = path;
    if (requestedId !== publicId) return sendError(response, 404, 'not_found', 'Chatbot not found.', cors);
    if (!isAllowed(request.headers.origin)) {
      // Like the BestAI server: a refused origin gets the error shape and no CORS headers.
      return sendError(response, 403, 'origin_not_allowed', 'This chat is not available on this site.');
    }
    if (resource === 'config' && request.method === 'GET') return sendJson(response, 200, config, cors);
    if (resource !== 'conversations') return sendError(response, 404, 'not_found', 'Not found.', cors);

    if (!conversationId && request.method === 'POST') {
      const conversation = { id: randomUUID(), visitorToken: randomUUID(), messages: [] };
      conversations.set(conversation.id, conversation);
      return sendJson(
        response,
        201,
        { conversationId: conversation.id, visitorToken: conversation.visitorToken },
        cors,
      );
    }
    if (!conversationId || tail !== 'messages')
      return sendError(response, 404, 'not_found', 'Not found.', cors);
    const conversation = authorize(request, response, conversationId);
    if (!conversation) return;
    if (request.method === 'GET') return sendJson(response, 200, { messages: conversation.messages }, cors);
    if (request.method !== 'POST') return sendError(response, 404, 'not_found', 'Not found.', cors);

    const body = JSON.parse((await readBody(request)) || '{}') as { content?: unknown };
    if (typeof body.content !== 'string' || !body.content.trim()) {
      return sendError(response, 400, 'invalid_body', 'A message needs some text.', cors);
    }
    if (pendingRateLimit !== undefined) {
      const seconds = pendingRateLimit;
      pendingRateLimit = undefined;
      return sendError(response, 429, 'rate_limited', 'Too many messages.', {
        ...cors,
        'Retry-After': String(seconds),
      });
    }
    conversation.messages.push({
      id: randomUUID(),
      role: 'user',
      content: body.content,
      status: 'complete',
      createdAt: new Date().toISOString(),
    });
    await streamReply(response, cors, conversation);
  }

  const api = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stub');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let work: Promise<void>;
    if (url.pathname === '/widget.js') work = serveWidgetFile(response, 'widget.js');
    else if (parts[0] === 'widget' && parts.length === 2)
      work = serveWidgetFile(response, parts[1] as string);
    else if (parts[0] === 'api' && parts[1] === 'widget') work = handleApi(request, response, parts.slice(2));
    else work = Promise.resolve(sendError(response, 404, 'not_found', 'Not found.'));
    work.catch(() => {
      if (!response.headersSent) sendError(response, 500, 'internal', 'Something went wrong.');
      else response.destroy();
    });
  });

  const host = createServer((request, response) => {
    const page = hostPages.get(new URL(request.url ?? '/', 'http://host').pathname);
    if (!page) {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      return void response.end('not found');
    }
    const headers: Record<string, string> = {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    };
    if (page.csp) headers['Content-Security-Policy'] = page.csp.replaceAll('{apiOrigin}', apiOrigin);
    response.writeHead(200, headers);
    response.end(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title ?? 'Host page')}</title>
${page.css ? `<style>${page.css}</style>` : ''}
</head>
<body>
${page.bodyHtml ?? '<h1>A customer site</h1><p>Some content of the host page.</p>'}
<script src="${escapeHtml(apiOrigin)}/widget.js" data-chatbot="${escapeHtml(page.publicId ?? publicId)}" async></script>
</body>
</html>`);
  });

  apiOrigin = await listen(api);
  const hostOrigin = await listen(host);

  const control: StubControl = {
    reset() {
      releaseAll();
      replies = [];
      config = { ...defaultStubConfig };
      allowedOrigins = [];
      pendingRateLimit = undefined;
    },
    setConfig(partial) {
      config = { ...config, ...partial };
    },
    setAllowedOrigins(origins) {
      allowedOrigins = [...origins];
    },
    queueReply(reply) {
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      replies.push({ ...reply, held, release: () => release() });
      return { release: () => release() };
    },
    rateLimitNextMessage(retryAfterSeconds) {
      pendingRateLimit = retryAfterSeconds;
    },
    conversationIds: () => [...conversations.keys()],
    messagesOf: (conversationId) => [...(conversations.get(conversationId)?.messages ?? [])],
  };

  return {
    apiOrigin,
    hostOrigin,
    publicId,
    hostPageUrl(pageOptions = {}) {
      const path = `/page/${hostPages.size + 1}`;
      hostPages.set(path, pageOptions);
      return hostOrigin + path;
    },
    control,
    async close() {
      releaseAll();
      for (const server of [api, host]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
