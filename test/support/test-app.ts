/**
 * An in-process BestAI for route tests: a fresh database, the real app, every response body and log
 * line kept so that leak tests can search them.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { buildApp, type BuildAppOptions } from '../../src/http/app.js';
import { createLoggerOptions } from '../../src/http/log-redaction.js';
import { createKeyring, generateSecret } from '../../src/vault/index.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Readonly<Config>;
  /** Every log line written so far. */
  logLines: string[];
  /** Every response body served through `request`/`session` helpers. */
  responseBodies: string[];
  /** Every request sent through TestClient (method and URL), for coverage checks. */
  requests: Array<{ method: string; url: string }>;
  close(): Promise<void>;
}

export async function startTestApp(
  environment: Record<string, string> = {},
  options: { pgliteDataDir?: string; redis?: Redis; jobRunner?: BuildAppOptions['jobRunner'] } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(options);
  const config = loadConfig({
    PUBLIC_URL: 'http://bestai.test',
    LOG_LEVEL: 'info',
    BESTAI_SECRET: generateSecret(),
    ...environment,
  });
  const keyring = createKeyring({
    currentSecret: config.BESTAI_SECRET!,
    previousSecrets: config.previousSecrets,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  const logger = pino(createLoggerOptions(config.LOG_LEVEL), sink);
  const app = await buildApp({
    context: { config, database, keyring },
    loggerInstance: logger,
    redis: options.redis,
    jobRunner: options.jobRunner,
  });
  await app.ready();
  return {
    app,
    database,
    config,
    logLines,
    responseBodies: [],
    requests: [],
    close: async () => {
      await app.close();
      await database.dispose();
    },
  };
}

/** A browser-like client: keeps its session cookie, sends JSON. */
export class TestClient {
  cookie: string | undefined;

  /** `remoteAddress`: the client's socket address (default 127.0.0.1), for per-address limits. */
  constructor(
    private readonly testApp: TestApp,
    private readonly options: { remoteAddress?: string } = {},
  ) {}

  async request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response: LightMyRequestResponse = await this.testApp.app.inject({
      method,
      url,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      ...(this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {}),
    });
    this.testApp.responseBodies.push(response.body);
    this.testApp.requests.push({ method: String(method), url });
    const setCookie = response.cookies.find((cookie) => cookie.name === 'bestai_session');
    if (setCookie) this.cookie = setCookie.value ? `bestai_session=${setCookie.value}` : undefined;
    return response;
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body: unknown = {}) => this.request('POST', url, body);
  put = (url: string, body: unknown) => this.request('PUT', url, body);
  patch = (url: string, body: unknown) => this.request('PATCH', url, body);
  delete = (url: string) => this.request('DELETE', url);
}

let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}-${Date.now()}-${(counter += 1)}@example.com`;
export const strongPassword = 'correct horse battery staple';

/** Signs up a new owner with their own workspace. */
export async function signUpOwner(testApp: TestApp, workspaceName = 'Acme') {
  const client = new TestClient(testApp);
  const email = uniqueEmail('owner');
  const response = await client.post('/api/auth/signup', { email, password: strongPassword, workspaceName });
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.body}`);
  const { user, workspace } = response.json() as { user: { id: string }; workspace: { id: string } };
  return { client, email, userId: user.id, workspaceId: workspace.id };
}

/** Invites a member with a role into the owner's workspace and signs them in. */
export async function addMember(
  testApp: TestApp,
  owner: { client: TestClient; workspaceId: string },
  role: 'admin' | 'viewer' | 'support',
) {
  const email = uniqueEmail(role);
  const invitation = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, {
    email,
    role,
  });
  if (invitation.statusCode !== 201) throw new Error(`invite failed: ${invitation.body}`);
  const client = new TestClient(testApp);
  const accepted = await client.post(`/api/invitations/${invitation.json().token}/accept`, {
    password: strongPassword,
  });
  if (accepted.statusCode !== 200) throw new Error(`accept failed: ${accepted.body}`);
  return { client, email, userId: accepted.json().user.id as string };
}

/** A workspace with one member of every role: its owner, an admin, a viewer and a support member. */
export async function workspaceWithEveryRole(testApp: TestApp) {
  const owner = await signUpOwner(testApp);
  const admin = await addMember(testApp, owner, 'admin');
  const viewer = await addMember(testApp, owner, 'viewer');
  const support = await addMember(testApp, owner, 'support');
  return { owner, admin, viewer, support, workspaceId: owner.workspaceId };
}
