/**
 * The backend the admin's browser tests run against, behind one function: the real BestAI app
 * (`startTestApp`, a fresh in-memory database) listening on a local port, with fake LLM providers
 * (test/fakes) as the provider URLs. It serves the built admin at `/`, the widget and the preview page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, gte, sql } from 'drizzle-orm';
import { auditLog, conversations, messages, sessions, usageDays } from '../../../src/db/schema';
import { startFakeProviders, type FakeProviders } from '../../../test/fakes/fake-provider-server';
import type { BuildAppOptions } from '../../../src/http/app';
import { startTestApp, type TestApp } from '../../../test/support/test-app';

const adminRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repositoryRoot = path.resolve(adminRoot, '..', '..');
export const adminBuildDir = path.join(repositoryRoot, 'dist', 'public', 'admin');
const widgetRoot = path.join(repositoryRoot, 'web', 'widget');
const widgetBuildDir = path.join(repositoryRoot, 'dist', 'public', 'widget');

/** The platform's own Anthropic key in these tests (the fake provider accepts it). */
export const platformAnthropicKey = 'sk-ant-platform-0000000000000000plat';

export interface AdminBackend {
  /** The origin the browser opens; also the server's PUBLIC_URL. */
  baseUrl: string;
  /** The real app and its database. */
  testApp: TestApp;
  /** The fake Anthropic, OpenAI, Groq and DeepSeek the app talks to. */
  providers: FakeProviders;
  /** Ends every session on the server, as an idle timeout would. */
  expireSessions(): Promise<void>;
  close(): Promise<void>;
}

/** A free local port: the server must know its own origin (PUBLIC_URL) before it listens. */
async function findFreePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('No free port was found.');
  return address.port;
}

/** `withoutPlatformKey`: the server has no PLATFORM_ANTHROPIC_API_KEY, as a fresh `npm start`. */
export async function startAdminBackend(
  options: {
    withoutPlatformKey?: boolean;
    /** More server environment, e.g. `SMTP_URL`. */
    environment?: Record<string, string>;
    jobRunner?: BuildAppOptions['jobRunner'];
  } = {},
): Promise<AdminBackend> {
  const providers = await startFakeProviders();
  // Another process may take the probed port before we listen on it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const testApp = await startTestApp(
      {
        PUBLIC_URL: baseUrl,
        ...(options.withoutPlatformKey ? {} : { PLATFORM_ANTHROPIC_API_KEY: platformAnthropicKey }),
        ANTHROPIC_BASE_URL: providers.baseURL('anthropic'),
        OPENAI_BASE_URL: providers.baseURL('openai'),
        GROQ_BASE_URL: providers.baseURL('groq'),
        DEEPSEEK_BASE_URL: providers.baseURL('deepseek'),
        // The screenshot data is made of many visitor chats from one address.
        WIDGET_CONVERSATIONS_PER_MINUTE: '10000',
        WIDGET_MESSAGES_PER_MINUTE: '10000',
        ...options.environment,
      },
      { jobRunner: options.jobRunner },
    );
    try {
      await testApp.app.listen({ port, host: '127.0.0.1' });
    } catch (error) {
      await testApp.close();
      if (attempt < 5 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      await providers.close();
      throw error;
    }
    const { db } = testApp.database;
    return {
      baseUrl,
      testApp,
      providers,
      async expireSessions() {
        await db.update(sessions).set({ expiresAt: new Date(Date.now() - 1_000) });
      },
      async close() {
        await testApp.close();
        await providers.close();
      },
    };
  }
}

function newestChange(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestChange(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the admin unless dist/public/admin is newer than every source file, and the widget (which the
 * preview page embeds) unless dist/public/widget is newer than its sources.
 */
export function buildAdminIfStale(): void {
  // Test files run in parallel; one builds while the others wait, then find the build fresh.
  const lockDir = path.join(repositoryRoot, 'dist', '.admin-build.lock');
  mkdirSync(path.dirname(lockDir), { recursive: true });
  const waitUntil = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (Date.now() > waitUntil) rmSync(lockDir, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!isAdminBuildFresh()) {
      run('npx', ['vite', 'build', '--config', 'web/admin/vite.config.ts', '--logLevel', 'warn']);
    }
    if (!isWidgetBuildFresh()) run('node', ['web/widget/build.mjs']);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: repositoryRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed.`);
}

function isAdminBuildFresh(): boolean {
  const indexFile = path.join(adminBuildDir, 'index.html');
  if (!existsSync(indexFile)) return false;
  const sources = Math.max(
    newestChange(path.join(adminRoot, 'src')),
    statSync(path.join(adminRoot, 'index.html')).mtimeMs,
    statSync(path.join(adminRoot, 'vite.config.ts')).mtimeMs,
    newestChange(path.join(adminRoot, 'public')),
  );
  return statSync(indexFile).mtimeMs >= sources;
}

function isWidgetBuildFresh(): boolean {
  const loader = path.join(widgetBuildDir, 'widget.js');
  const chatUi = path.join(widgetBuildDir, 'chat-ui.js');
  if (!existsSync(loader) || !existsSync(chatUi)) return false;
  const built = Math.min(statSync(loader).mtimeMs, statSync(chatUi).mtimeMs);
  const sources = readdirSync(widgetRoot, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mjs)$/.test(entry.name) && !/\.test\./.test(entry.name))
    .map((entry) => statSync(path.join(widgetRoot, entry.name)).mtimeMs);
  return built >= Math.max(...sources);
}

/** A tiny HTTP client with a cookie jar, for setting up accounts the way any API client would. */
export class ApiClient {
  private cookie = '';
  constructor(private readonly baseUrl: string) {}

  async request<T>(method: string, pathname: string, body?: unknown): Promise<T> {
    // State-changing requests always carry JSON, as the contract asks.
    if (body === undefined && method !== 'GET' && method !== 'DELETE') body = {};
    const response = await fetch(this.baseUrl + pathname, {
      method,
      headers: {
        // The server accepts state changes only from its own origin, as a browser on the admin sends.
        Origin: this.baseUrl,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${pathname} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export interface TestAccount {
  email: string;
  password: string;
  workspaceId: string;
  client: ApiClient;
}

let accountCounter = 0;

/** Signs up a new owner with a fresh workspace (sign-up also signs in). */
export async function createOwner(
  baseUrl: string,
  workspaceName = 'Northwind Coffee',
  email = `owner${++accountCounter}-${Date.now()}@northwind.example`,
): Promise<TestAccount> {
  const password = 'correct horse battery staple';
  const client = new ApiClient(baseUrl);
  const answer = await client.request<{ workspace: { id: string } }>('POST', '/api/auth/signup', {
    email,
    password,
    workspaceName,
  });
  return { email, password, workspaceId: answer.workspace.id, client };
}

/** The owner invites someone with a role; returns the invitation's accept URL and token. */
export async function invite(
  owner: TestAccount,
  email: string,
  role: 'admin' | 'viewer' | 'support',
): Promise<{ token: string; acceptUrl: string }> {
  return owner.client.request('POST', `/api/workspaces/${owner.workspaceId}/invitations`, { email, role });
}

/** The chatbot fields the tests use. */
export interface ChatbotInfo {
  id: string;
  publicId: string;
  name: string;
  previewUrl: string;
}

export async function createChatbot(
  owner: TestAccount,
  settings: Record<string, unknown> & { name: string },
): Promise<ChatbotInfo> {
  return owner.client.request('POST', `/api/workspaces/${owner.workspaceId}/chatbots`, settings);
}

export interface VisitorTurn {
  conversationId: string;
  /** The reply's text, as the widget would show it. */
  reply: string;
  /** The `done` or `error` event that ended the stream. */
  outcome: 'done' | 'error';
}

/**
 * One visitor message through the public widget API, as the widget sends it, read to the end of the
 * stream. Starts a conversation unless one is given.
 */
export async function chatAsVisitor(
  baseUrl: string,
  publicId: string,
  content: string,
  conversation?: { conversationId: string; visitorToken: string },
): Promise<VisitorTurn & { visitorToken: string }> {
  const root = `${baseUrl}/api/widget/${encodeURIComponent(publicId)}/conversations`;
  const headers = { 'Content-Type': 'application/json', Origin: baseUrl };
  let started = conversation;
  if (!started) {
    const response = await fetch(root, { method: 'POST', headers, body: '{}' });
    if (response.status !== 201) throw new Error(`Starting a conversation → ${response.status}`);
    started = (await response.json()) as { conversationId: string; visitorToken: string };
  }
  const response = await fetch(`${root}/${started.conversationId}/messages`, {
    method: 'POST',
    headers: { ...headers, Authorization: `Bearer ${started.visitorToken}` },
    body: JSON.stringify({ content }),
  });
  if (response.status !== 200) throw new Error(`Sending a message → ${response.status}`);
  const stream = await response.text();
  let reply = '';
  let outcome: VisitorTurn['outcome'] | undefined;
  for (const block of stream.split('\n\n')) {
    const event = /^event: (\w+)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (!event || data === undefined) continue;
    if (event === 'delta') reply += (JSON.parse(data) as { text: string }).text;
    if (event === 'done' || event === 'error') outcome = event;
  }
  if (!outcome) throw new Error(`The stream ended without done or error: ${stream}`);
  return { ...started, reply, outcome };
}

/** A visitor's message every minute or so, each answer a few seconds after its question. */
const messageTime = (start: Date, index: number) =>
  new Date(start.getTime() + Math.floor(index / 2) * 70_000 + (index % 2) * 4_000);

/**
 * Moves a conversation into the past, as if it had happened at `at` (answers a few seconds after their questions):
 * how the screenshots get weeks of history without waiting weeks.
 */
export async function backdateConversation(backend: AdminBackend, conversationId: string, at: Date) {
  const { db } = backend.testApp.database;
  const rows = await db
    .select({ id: messages.id })
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(messages.createdAt);
  for (const [index, row] of rows.entries()) {
    await db
      .update(messages)
      .set({ createdAt: messageTime(at, index) })
      .where(eq(messages.id, row.id));
  }
  const last = messageTime(at, Math.max(0, rows.length - 1));
  const [conversation] = await db
    .update(conversations)
    .set({ createdAt: at, updatedAt: last })
    .where(eq(conversations.id, conversationId))
    .returning({ workspaceId: conversations.workspaceId });
  if (conversation) await resumUsageDays(backend, conversation.workspaceId);
}

/**
 * Sums a workspace's usage by day again from its messages, after messages were moved in time (the
 * statement that stores a reply keeps the days; a backdated message would otherwise count on its real day).
 * What caching saved is not on the messages, so it is left at zero.
 */
async function resumUsageDays(backend: AdminBackend, workspaceId: string) {
  const { db } = backend.testApp.database;
  await db.delete(usageDays).where(eq(usageDays.workspaceId, workspaceId));
  await db.execute(sql`
    insert into usage_days (workspace_id, day, chatbot_id, provider, key_source, masked_key, model, messages,
      failed, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, unpriced)
    select m.workspace_id, (m.created_at at time zone 'UTC')::date, c.chatbot_id, m.provider, m.key_source,
      case when m.key_source = 'platform' then '' else coalesce(m.masked_key, '') end, coalesce(m.model, ''),
      count(*), count(*) filter (where m.status = 'failed'), coalesce(sum(m.input_tokens), 0),
      coalesce(sum(m.output_tokens), 0), coalesce(sum(m.cache_read_tokens), 0),
      coalesce(sum(m.cache_write_tokens), 0), coalesce(sum(m.cost_usd), 0),
      count(*) filter (where m.cost_usd is null and coalesce(m.input_tokens, 0) + coalesce(m.output_tokens, 0) > 0)
    from messages m join conversations c on c.id = m.conversation_id
    where m.workspace_id = ${workspaceId} and m.role = 'assistant' and m.status <> 'streaming'
      and m.provider is not null
      and m.key_source is not null
    group by 1, 2, 3, 4, 5, 6, 7`);
}

/** Moves the audit entries a workspace recorded since `since` to `at`, as if they had happened then. */
export async function backdateAuditEntries(
  backend: AdminBackend,
  workspaceId: string,
  since: Date,
  at: Date,
) {
  const { db } = backend.testApp.database;
  await db
    .update(auditLog)
    .set({ at })
    .where(and(eq(auditLog.workspaceId, workspaceId), gte(auditLog.at, since)));
}
