/**
 * Starts and stops what the bench measures, each in its own process on 127.0.0.1: the fake
 * providers, BestAI (embedded PGlite, or PostgreSQL in a database made for the run), and the Portkey
 * gateway pointed at the same fake OpenAI root. Each target is set up through its public API only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadTarget, RequestTemplate } from './load.js';
import {
  createPostgresDatabase as createDatabaseBeside,
  type PostgresDatabase,
} from '../test/support/postgres-database.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const portkeyEntry = path.join(repoRoot, 'node_modules/@portkey-ai/gateway/build/start-server.js');
const portkeyPreload = path.join(repoRoot, 'bench/portkey-preload.mjs');
const buildDir = path.join(repoRoot, 'bench/.build');
const buildStamp = path.join(buildDir, 'built-at');
const startTimeoutMs = 60_000;
const benchProviderKey = `sk-bench-${'0123456789abcdef'.repeat(3)}`;
const model = 'gpt-4o-mini';

/** Every child this module started, so an interrupted run still ends them. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

interface StartedProcess {
  child: ChildProcess;
  pid: number;
  /** The first stdout line matching the ready pattern. */
  readyLine: string;
  stop(): Promise<void>;
}

/** Spawns `node …args` in the repo root and waits for a stdout line that matches `ready`. */
function startNodeProcess(
  label: string,
  args: string[],
  environment: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<StartedProcess> {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4_000);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    children.delete(child);
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    let isReady = false;
    const timer = setTimeout(() => fail(`did not start within ${startTimeoutMs / 1000} s`), startTimeoutMs);
    function fail(reason: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${label} ${reason}.\n${stderr}`));
    }
    child.once('exit', (code) => fail(`exited with code ${code}`));
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      if (isReady) return;
      stdout += text;
      const line = stdout.split('\n').find((candidate) => ready.test(candidate));
      if (!line) return;
      isReady = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, pid: child.pid!, readyLine: line, stop });
    });
  });
}

/** A port the kernel reports free right now (for programs that take no port 0). */
async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

function originOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/** The environment of a child without any BestAI or provider variable of the calling shell. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const environment = { ...process.env };
  for (const name of Object.keys(environment)) {
    if (/^(BESTAI_|DATABASE_URL|REDIS_URL|PLATFORM_|.*_BASE_URL$|WIDGET_|PORT$|HOST$|PUBLIC_URL)/.test(name))
      delete environment[name];
  }
  delete environment.NODE_OPTIONS;
  return environment;
}

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const entryPath = path.join(directory, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestModification(entryPath) : statSync(entryPath).mtimeMs,
    );
  }
  return newest;
}

/**
 * Compiles src/ as `npm run build:server` does (same tsconfig), into bench/.build/server so the
 * shared dist/ is left alone; skipped while the build is newer than every file in src/. The bench
 * measures this compiled server, as production runs it (`npm start` → dist/server/main.js).
 */
export async function buildServer(): Promise<string> {
  const entry = path.join(buildDir, 'server/main.js');
  const isFresh =
    existsSync(entry) &&
    existsSync(buildStamp) &&
    statSync(buildStamp).mtimeMs > newestModification(path.join(repoRoot, 'src'));
  if (isFresh) return entry;
  rmSync(path.join(buildDir, 'server'), { recursive: true, force: true });
  const compiler = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  const child = spawn(
    process.execPath,
    [compiler, '-p', 'tsconfig.build.json', '--outDir', path.join(buildDir, 'server')],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (text: Buffer) => (output += text.toString()));
  child.stderr!.on('data', (text: Buffer) => (output += text.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`Building the server failed:\n${output.slice(-4_000)}`);
  writeFileSync(buildStamp, new Date().toISOString());
  return entry;
}

export interface ReplyShape {
  chunks: number;
  chunkDelayMs: number;
  text: string;
}

export interface FakeProviderProcess {
  url: string;
  pid: number;
  setReply(shape: ReplyShape): Promise<void>;
  stop(): Promise<void>;
}

/** The fake providers' CLI in its own process, steered over `{url}/__control/*`. */
export async function startFakeProviderProcess(): Promise<FakeProviderProcess> {
  const started = await startNodeProcess(
    'The fake provider',
    ['--import', 'tsx', 'test/fakes/serve-fake-providers.ts', '--port', '0'],
    cleanEnvironment(),
    /^\{"url"/,
  );
  const { url } = JSON.parse(started.readyLine) as { url: string };
  return {
    url,
    pid: started.pid,
    async setReply(shape) {
      const response = await fetch(`${url}/__control/reply`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(shape),
      });
      if (!response.ok) throw new Error(`the fake refused the reply shape: ${await response.text()}`);
    },
    stop: started.stop,
  };
}

/** The direct call: the same streaming request BestAI and Portkey make, sent to the fake itself. */
export function directTarget(fake: FakeProviderProcess): LoadTarget {
  return openAITarget({
    name: 'direct',
    label: 'Direct to fake',
    url: fake.url,
    pid: fake.pid,
    path: '/openai/v1/chat/completions',
    headers: {},
  });
}

function openAITarget(input: {
  name: string;
  label: string;
  url: string;
  pid: number;
  path: string;
  headers: Record<string, string>;
}): LoadTarget {
  const template: RequestTemplate = {
    path: input.path,
    headers: {
      ...input.headers,
      authorization: `Bearer ${benchProviderKey}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Hello, what are your opening hours?' }],
      stream: true,
      stream_options: { include_usage: true },
    }),
  };
  return {
    name: input.name,
    label: input.label,
    origin: originOf(input.url),
    serverPid: input.pid,
    format: 'openai',
    prepareUsers: async () => {},
    requestFor: () => template,
  };
}

/** The contract floor (`bench/contract-floor-server.ts`) on its own PostgreSQL database. */
export async function startContractFloor(
  fake: FakeProviderProcess,
  databaseUrl: string,
): Promise<{ target: LoadTarget; stop(): Promise<void> }> {
  const started = await startNodeProcess(
    'Contract floor',
    ['--import', 'tsx', 'bench/contract-floor-server.ts', databaseUrl, fake.url],
    cleanEnvironment(),
    /listening on \d+/,
  );
  const port = /listening on (\d+)/.exec(started.readyLine)![1]!;
  return {
    target: openAITarget({
      name: 'floor',
      label: 'Contract floor (PostgreSQL)',
      url: `http://127.0.0.1:${port}`,
      pid: started.pid,
      path: '/openai/v1/chat/completions',
      headers: {},
    }),
    stop: started.stop,
  };
}

export interface PortkeyProcess {
  target: LoadTarget;
  stop(): Promise<void>;
}

/** The Portkey gateway (`@portkey-ai/gateway`), its custom host set to the fake's OpenAI root. */
export async function startPortkey(fake: FakeProviderProcess): Promise<PortkeyProcess> {
  if (!existsSync(portkeyEntry)) throw new Error(`Portkey is not installed (${portkeyEntry}); run npm ci.`);
  const port = await findFreePort();
  const started = await startNodeProcess(
    'Portkey',
    ['--import', portkeyPreload, portkeyEntry, `--port=${port}`, '--headless'],
    { ...cleanEnvironment(), NODE_ENV: 'production' },
    /Ready for connections/,
  );
  const url = `http://127.0.0.1:${port}`;
  const target = openAITarget({
    name: 'portkey',
    label: 'Portkey',
    url,
    pid: started.pid,
    path: '/v1/chat/completions',
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${fake.url}/openai/v1` },
  });
  return { target, stop: started.stop };
}

/** A fresh database beside the one `adminUrl` names; `drop()` removes it. */
export const createPostgresDatabase = (adminUrl: string): Promise<PostgresDatabase> =>
  createDatabaseBeside(adminUrl, 'bestai_bench');

export interface BestAIProcess {
  target: LoadTarget;
  url: string;
  pid: number;
  /** A signed-in owner's workspace holding one key of each provider, for the key-listing figure. */
  listKeysRequest: { path: string; cookie: string };
  /** The chatbot visitors talk to. */
  publicId: string;
  stop(): Promise<void>;
}

export interface BestAIOptions {
  name: string;
  label: string;
  fake: FakeProviderProcess;
  databaseUrl?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** The compiled entry from `buildServer()`. */
  entry: string;
  /** More environment, e.g. `REDIS_URL`. */
  environment?: Record<string, string>;
}

/** BestAI as `node <build>/main.js`, then an owner, a chatbot and an OpenAI key through the API. */
export async function startBestAI(options: BestAIOptions): Promise<BestAIProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bestai-bench-'));
  const environment: NodeJS.ProcessEnv = {
    ...cleanEnvironment(),
    PORT: '0',
    HOST: '127.0.0.1',
    BESTAI_DATA_DIR: dataDir,
    BESTAI_SECRET: randomBytes(32).toString('base64'),
    OPENAI_BASE_URL: `${options.fake.url}/openai/v1`,
    ANTHROPIC_BASE_URL: `${options.fake.url}/anthropic/v1`,
    GROQ_BASE_URL: `${options.fake.url}/groq/openai/v1`,
    DEEPSEEK_BASE_URL: `${options.fake.url}/deepseek/v1`,
    WIDGET_MESSAGES_PER_MINUTE: '1000000000',
    WIDGET_CONVERSATIONS_PER_MINUTE: '1000000000',
    LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.environment,
  };
  const started = await startNodeProcess(
    options.label,
    [...(options.nodeFlags ?? []), options.entry],
    environment,
    /BestAI is running at /,
  );
  const url = /running at (http:\/\/\S+) \(/.exec(started.readyLine)![1]!;
  const stop = async (): Promise<void> => {
    await started.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const chat = await setUpOwner(url, 'Bench chat');
    await chat.call('PUT', `/api/workspaces/${chat.workspaceId}/llm-keys/openai`, {
      apiKey: benchProviderKey,
    });
    const { publicId } = (await chat.call('POST', `/api/workspaces/${chat.workspaceId}/chatbots`, {
      name: 'Bench assistant',
    })) as { publicId: string };
    const keys = await setUpOwner(url, 'Bench keys');
    for (const provider of ['anthropic', 'openai', 'groq', 'deepseek'])
      await keys.call('PUT', `/api/workspaces/${keys.workspaceId}/llm-keys/${provider}`, {
        apiKey: `sk-${provider}-${randomBytes(24).toString('hex')}`,
      });
    return {
      target: bestAITarget(options, url, started.pid, publicId),
      url,
      pid: started.pid,
      publicId,
      listKeysRequest: { path: `/api/workspaces/${keys.workspaceId}/llm-keys`, cookie: keys.cookie },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function setUpOwner(url: string, workspaceName: string) {
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `owner-${randomBytes(6).toString('hex')}@bench.example`,
      password: `bench-${randomBytes(12).toString('hex')}`,
      workspaceName,
    }),
  });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${await signup.text()}`);
  const cookie = signup.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const { workspace } = (await signup.json()) as { workspace: { id: string } };
  const call = async (method: string, route: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${route} failed: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return { workspaceId: workspace.id, cookie, call };
}

/** Visitors start a new conversation after this many messages, as real chats are short. */
export const MESSAGES_PER_CONVERSATION = 10;

function bestAITarget(options: BestAIOptions, url: string, pid: number, publicId: string): LoadTarget {
  const body = JSON.stringify({ content: 'Hello, what are your opening hours?' });
  const users: { template: RequestTemplate; sent: number }[] = [];
  // Conversations start over a few keep-alive sockets, so a thousand visitors rotating at once queue
  // here instead of opening a thousand connections.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32, timeout: 4_000 });
  const { host, port } = originOf(url);
  const startConversation = (): Promise<RequestTemplate> =>
    new Promise((resolve, reject) => {
      const request = http.request(
        { agent, host, port, method: 'POST', path: `/api/widget/${publicId}/conversations`, timeout: 30_000 },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (part: string) => (text += part));
          response.on('end', () => {
            if (response.statusCode !== 201)
              return reject(new Error(`conversation not started: HTTP ${response.statusCode}`));
            const { conversationId, visitorToken } = JSON.parse(text) as {
              conversationId: string;
              visitorToken: string;
            };
            resolve({
              path: `/api/widget/${publicId}/conversations/${conversationId}/messages`,
              headers: {
                authorization: `Bearer ${visitorToken}`,
                'content-type': 'application/json',
                accept: 'text/event-stream',
              },
              body,
            });
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('conversation not started: timed out')));
      request.on('error', reject);
      request.end();
    });
  return {
    name: options.name,
    label: options.label,
    origin: originOf(url),
    serverPid: pid,
    format: 'bestai',
    /** One conversation per virtual user, started through the widget API before the round. */
    async prepareUsers(count) {
      while (users.length < count) {
        const batch = Math.min(50, count - users.length);
        const templates = await Promise.all(Array.from({ length: batch }, startConversation));
        for (const template of templates) users.push({ template, sent: 0 });
      }
    },
    async requestFor(userIndex) {
      const user = users[userIndex];
      if (!user) throw new Error(`no conversation for virtual user ${userIndex}; call prepareUsers first`);
      if (user.sent === MESSAGES_PER_CONVERSATION) {
        user.template = await startConversation();
        user.sent = 0;
      }
      user.sent++;
      return user.template;
    },
  };
}
