/**
 * The real BestAI behind the widget's browser tests: the app of `src/http/app.ts` on a fresh in-memory
 * database, listening on 127.0.0.1 with PUBLIC_URL set to its own origin, answering through the fake
 * LLM providers (real wire formats, steered by the test). It serves `/widget.js` and `/widget/*` from
 * `dist/public/widget`, rebuilt here first when the sources changed. A second, small HTTP server on
 * another port (another origin) serves host pages that paste a chatbot's embed snippet, as a customer's
 * site does.
 *
 * Two apps share the fake providers: `api`, with the default limits, and `limited`, which accepts one
 * widget message per minute per visitor and chatbot, for the 429 path.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { startFakeProviders, type FakeProviders } from '../../../test/fakes/fake-provider-server.js';
import { signUpOwner, startTestApp, type TestApp, type TestClient } from '../../../test/support/test-app.js';
import { buildWidget, defaultOutdir } from '../build.mjs';

/** The chatbot settings of the admin API (`POST /api/workspaces/:ws/chatbots`). */
export interface ChatbotSettings {
  name?: string;
  allowedOrigins?: string[];
  title?: string;
  greeting?: string;
  color?: string;
  position?: 'left' | 'right';
  errorMessage?: string;
  systemPrompt?: string;
  theme?: 'light' | 'dark' | 'auto';
  language?: 'en' | 'de' | 'fr' | 'es';
  starterQuestions?: string[];
}

/** A chatbot as the admin API returns it, with the origin of the BestAI that serves it. */
export interface Chatbot {
  id: string;
  publicId: string;
  embedSnippet: string;
  apiOrigin: string;
}

export interface StoredMessage {
  role: 'user' | 'assistant';
  content: string;
  status: 'streaming' | 'complete' | 'interrupted' | 'failed';
  provider: string | null;
}

/** One running BestAI app with one owner account and workspace. */
export interface BestAIServer {
  /** Its origin, also its PUBLIC_URL. */
  origin: string;
  testApp: TestApp;
  workspaceId: string;
  /** The owner's admin API session (in process). */
  owner: TestClient;
  createChatbot(settings?: ChatbotSettings): Promise<Chatbot>;
  /** Creates a chatbot in a new workspace of its own that answers on that workspace's Anthropic `apiKey`. */
  createChatbotWithOwnKey(apiKey: string, settings?: ChatbotSettings): Promise<Chatbot>;
  /** Ids of the conversations of a chatbot made by `createChatbot`, newest first. */
  conversationIds(chatbot: Chatbot): Promise<string[]>;
  /** The stored messages of such a conversation, as the admin console shows them. */
  messagesOf(conversationId: string): Promise<StoredMessage[]>;
}

export interface HostPageOptions {
  /** The chatbot whose embed snippet the page carries; the default chatbot when absent. */
  chatbot?: Chatbot;
  /** Global CSS of the host page (ignored when `csp` forbids styles). */
  css?: string;
  /** A Content-Security-Policy header for the host page; `{apiOrigin}` is replaced by the chatbot's. */
  csp?: string;
  /** Extra HTML for the page body, before the embed snippet. */
  bodyHtml?: string;
  title?: string;
}

export interface WidgetBackend {
  api: BestAIServer;
  limited: BestAIServer;
  fake: FakeProviders;
  hostOrigin: string;
  /** The default chatbot of `api`: Acme Outdoor's look, the host origin on its allowed list. */
  chatbot: Chatbot;
  /** Registers a host page and returns its URL (on the host origin). */
  hostPageUrl(options?: HostPageOptions): string;
  close(): Promise<void>;
}

export const PLATFORM_KEY = 'sk-ant-platform-' + 'w'.repeat(30);

export const acmeChatbot = {
  name: 'Acme helper',
  title: 'Acme Outdoor',
  greeting: 'Hi! I am the Acme assistant. Ask me about orders, sizes or returns.',
  color: '#4f46e5',
  position: 'right',
  errorMessage: 'Sorry, the assistant is unavailable right now. Please try again.',
} as const satisfies ChatbotSettings;

/**
 * Makes `dist/public/widget` (what the server serves) match the current sources: builds in memory and
 * writes only the files that differ, each through a rename so that a reader never sees half a file.
 */
export async function ensureWidgetBuilt(): Promise<void> {
  const { files } = await buildWidget({ write: false });
  for (const file of Object.values(files)) {
    if (existsSync(file.path) && readFileSync(file.path, 'utf8') === file.code) continue;
    mkdirSync(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(temporary, file.code);
    renameSync(temporary, file.path);
  }
  if (!existsSync(join(defaultOutdir, 'widget.js'))) throw new Error('The widget build wrote nothing.');
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port that was free a moment ago: PUBLIC_URL must name it before the app is built. */
async function pickFreePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await closeServer(probe);
  return port;
}

async function startServer(fake: FakeProviders, environment: Record<string, string>): Promise<BestAIServer> {
  let testApp: TestApp | undefined;
  let origin = '';
  for (let attempt = 1; !testApp; attempt++) {
    const port = await pickFreePort();
    origin = `http://127.0.0.1:${port}`;
    const candidate = await startTestApp({
      PUBLIC_URL: origin,
      PLATFORM_ANTHROPIC_API_KEY: PLATFORM_KEY,
      ANTHROPIC_BASE_URL: fake.baseURL('anthropic'),
      ...environment,
    });
    try {
      await candidate.app.listen({ port, host: '127.0.0.1' });
      testApp = candidate;
    } catch (error) {
      await candidate.close();
      // Another process took the port between the probe and now: try another one.
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
  const app = testApp;

  const { client: owner, workspaceId } = await signUpOwner(app, 'Acme Outdoor');

  async function createChatbotIn(client: TestClient, workspace: string, settings: ChatbotSettings) {
    const response = await client.post(`/api/workspaces/${workspace}/chatbots`, {
      ...acmeChatbot,
      ...settings,
    });
    if (response.statusCode !== 201) throw new Error(`chatbot not created: ${response.body}`);
    const { id, publicId, embedSnippet } = response.json() as Chatbot;
    return { id, publicId, embedSnippet, apiOrigin: origin };
  }

  return {
    origin,
    testApp: app,
    workspaceId,
    owner,
    createChatbot: (settings = {}) => createChatbotIn(owner, workspaceId, settings),
    async createChatbotWithOwnKey(apiKey, settings = {}) {
      const other = await signUpOwner(app, 'Own key shop');
      const saved = await other.client.put(`/api/workspaces/${other.workspaceId}/llm-keys/anthropic`, {
        apiKey,
      });
      if (saved.statusCode >= 300) throw new Error(`key not saved: ${saved.body}`);
      return createChatbotIn(other.client, other.workspaceId, settings);
    },
    async conversationIds(chatbot) {
      const response = await owner.get(
        `/api/workspaces/${workspaceId}/conversations?chatbotId=${chatbot.id}`,
      );
      if (response.statusCode !== 200) throw new Error(`conversations not listed: ${response.body}`);
      return (response.json() as { conversations: { id: string }[] }).conversations.map(({ id }) => id);
    },
    async messagesOf(conversationId) {
      const response = await owner.get(`/api/workspaces/${workspaceId}/conversations/${conversationId}`);
      if (response.statusCode !== 200) throw new Error(`conversation not found: ${response.body}`);
      return (response.json() as { messages: StoredMessage[] }).messages.map(
        ({ role, content, status, provider }) => ({ role, content, status, provider }),
      );
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Starts the fake providers, both BestAI apps, the default chatbot and the host-page server. */
export async function startWidgetBackend(): Promise<WidgetBackend> {
  await ensureWidgetBuilt();
  const fake = await startFakeProviders();
  const hostPages = new Map<string, HostPageOptions & { chatbot: Chatbot }>();

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
    if (page.csp)
      headers['Content-Security-Policy'] = page.csp.replaceAll('{apiOrigin}', page.chatbot.apiOrigin);
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
${page.chatbot.embedSnippet}
</body>
</html>`);
  });
  const hostOrigin = `http://127.0.0.1:${await listen(host)}`;

  const started = await Promise.allSettled([
    startServer(fake, {}),
    startServer(fake, { WIDGET_MESSAGES_PER_MINUTE: '1' }),
  ]);
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all([...servers.map((server) => server.testApp.close()), closeServer(host), fake.close()]);
    throw failure.reason;
  }
  const [api, limited] = servers as [BestAIServer, BestAIServer];
  const chatbot = await api.createChatbot({ allowedOrigins: [hostOrigin] });

  return {
    api,
    limited,
    fake,
    hostOrigin,
    chatbot,
    hostPageUrl(options = {}) {
      const path = `/page/${hostPages.size + 1}`;
      hostPages.set(path, { ...options, chatbot: options.chatbot ?? chatbot });
      return hostOrigin + path;
    },
    async close() {
      await closeServer(host);
      for (const server of servers) await server.testApp.close();
      await fake.close();
    },
  };
}
