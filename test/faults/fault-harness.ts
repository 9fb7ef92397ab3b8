/**
 * What every fault test needs: a real BestAI process on PostgreSQL with the fake providers, a workspace
 * with a chatbot and a key, and a visitor whose streamed reply can be watched while it arrives.
 */
import http from 'node:http';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/connect.js';
import { messages } from '../../src/db/schema.js';
import { generateSecret } from '../../src/vault/index.js';
import { startBestAI, waitUntilRunning, type BestAIProcess } from '../support/process-runner.js';
import { parseSse, type SseEvent } from '../support/widget-client.js';

export const secret = generateSecret();

export async function startServer(
  env: Record<string, string>,
): Promise<{ server: BestAIProcess; url: string }> {
  const server = startBestAI({ env: { BESTAI_SECRET: secret, PORT: '0', ...env } });
  return { server, url: await waitUntilRunning(server) };
}

async function call(url: string, path: string, init: { body?: unknown; cookie?: string; method?: string }) {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.cookie ? { cookie: init.cookie } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(60_000),
  });
  return { response, body: (await response.json().catch(() => null)) as Record<string, never> | null };
}

/** An owner, a chatbot and an OpenAI key (answered by the fake). */
export async function setUpChatbot(url: string): Promise<{ publicId: string }> {
  const signup = await call(url, '/api/auth/signup', {
    body: {
      email: `owner-${crypto.randomUUID()}@example.com`,
      password: 'a long enough password',
      workspaceName: 'Faults',
    },
  });
  if (signup.response.status !== 201) throw new Error(`sign-up: ${signup.response.status}`);
  const cookie = signup.response.headers.get('set-cookie')!.split(';')[0]!;
  const workspaceId = (signup.body as unknown as { workspace: { id: string } }).workspace.id;
  const chatbot = await call(url, `/api/workspaces/${workspaceId}/chatbots`, {
    body: { name: 'Bot' },
    cookie,
  });
  const key = await call(url, `/api/workspaces/${workspaceId}/llm-keys/openai`, {
    method: 'PUT',
    body: { apiKey: 'sk-proj-' + 'f'.repeat(40) + 'FLT1', force: true },
    cookie,
  });
  if (key.response.status !== 200) throw new Error(`key: ${key.response.status}`);
  return { publicId: (chatbot.body as unknown as { publicId: string }).publicId };
}

export interface Conversation {
  publicId: string;
  conversationId: string;
  visitorToken: string;
}

export async function startConversation(url: string, publicId: string): Promise<Conversation> {
  const started = await call(url, `/api/widget/${publicId}/conversations`, { body: {} });
  if (started.response.status !== 201) throw new Error(`conversation: ${started.response.status}`);
  return { publicId, ...(started.body as unknown as { conversationId: string; visitorToken: string }) };
}

export interface VisitorStream {
  /** The HTTP status, once the response started. */
  readonly status: Promise<number>;
  /** The events received so far. */
  readonly events: SseEvent[];
  /** The text of the `delta` events so far. */
  text(): string;
  /** Resolves once an event satisfies `predicate`. */
  waitFor(predicate: (event: SseEvent) => boolean): Promise<void>;
  /** Resolves when the response ends (or the connection is dropped) with every event and raw body. */
  readonly ended: Promise<{ events: SseEvent[]; body: string; headers: http.IncomingHttpHeaders }>;
}

/** Sends a visitor message and follows the reply as it streams. */
export function sendMessage(url: string, conversation: Conversation, content: string): VisitorStream {
  const events: SseEvent[] = [];
  const waiters = new Set<{ predicate: (event: SseEvent) => boolean; resolve: () => void }>();
  let body = '';
  let parsed = 0;
  const target = new URL(
    `${url}/api/widget/${conversation.publicId}/conversations/${conversation.conversationId}/messages`,
  );
  let resolveStatus!: (status: number) => void;
  const status = new Promise<number>((resolve) => (resolveStatus = resolve));
  const ended = new Promise<{ events: SseEvent[]; body: string; headers: http.IncomingHttpHeaders }>(
    (resolve) => {
      const payload = JSON.stringify({ content });
      const request = http.request(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${conversation.visitorToken}`,
          },
        },
        (response) => {
          resolveStatus(response.statusCode ?? 0);
          response.setEncoding('utf8');
          const finish = () => resolve({ events, body, headers: response.headers });
          response.on('data', (chunk: string) => {
            body += chunk;
            const complete = body.lastIndexOf('\n\n');
            if (complete < parsed) return;
            const fresh = parseSse(body.slice(parsed, complete + 2));
            parsed = complete + 2;
            for (const event of fresh) {
              events.push(event);
              for (const waiter of [...waiters]) {
                if (waiter.predicate(event)) {
                  waiters.delete(waiter);
                  waiter.resolve();
                }
              }
            }
          });
          response.on('end', finish);
          response.on('error', finish);
          response.on('close', finish);
        },
      );
      request.on('error', () => {
        resolveStatus(0);
        resolve({ events, body, headers: {} });
      });
      request.end(payload);
    },
  );
  return {
    status,
    events,
    ended,
    text: () =>
      events
        .filter((event) => event.event === 'delta')
        .map((event) => String(event.data.text))
        .join(''),
    waitFor: (predicate) =>
      events.some(predicate)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const waiter = { predicate, resolve };
            waiters.add(waiter);
            void ended.then(() => {
              if (waiters.delete(waiter)) reject(new Error(`The stream ended first: ${body}`));
            });
          }),
  };
}

/** The messages of a conversation, read directly from the database (not through BestAI). */
export async function storedMessages(db: Database, conversationId: string) {
  return db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(messages.createdAt);
}

/** Waits, checking every half second, until `check` returns a value (not undefined); fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
