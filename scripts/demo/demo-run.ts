/**
 * Starts the demo: the fake providers with labelled demo answers, BestAI pointed at them on a fresh
 * embedded database, the demo shop page, and the demo workspace — set up through BestAI's own API, as a
 * new user would in the admin: sign up, add an Anthropic key, create a chatbot, chat a little.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { generateSecret } from '../../src/vault/index.js';
import { startFakeProviders } from '../../test/fakes/fake-provider-server.js';
import { startDemoSite } from './demo-site.js';

/** What every demo answer says: plainly a demo, never mistaken for a model's reply. */
export const demoReply =
  '**Demo answer** — this reply comes from BestAI’s built-in demo provider, not a real model. ' +
  'With your own Anthropic, OpenAI, Groq or DeepSeek key (Integrations → LLM), a real model answers here. ' +
  'Every chat shows up in **Conversations**, with its tokens in **Usage**.';

export interface Demo {
  adminUrl: string;
  siteUrl: string;
  previewUrl: string;
  email: string;
  password: string;
  stop(): Promise<void>;
}

export interface DemoOptions {
  dataDir: string;
  port: number;
  sitePort: number;
}

const demoEmail = 'demo@bestai.example';
const sampleQuestions = ['Do you ship to Austria?', 'Which beans are good for espresso?'];

/** A free port, so BestAI's PUBLIC_URL (embed snippets, Origin checks) names the port it listens on. */
async function findFreePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/** One admin API call in-process, with the demo account's session cookie. */
async function callApi(
  app: FastifyInstance,
  cookie: string,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body?: unknown,
): Promise<{ json: Record<string, unknown>; cookie: string }> {
  const response = await app.inject({
    method,
    url,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  if (response.statusCode >= 300)
    throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body}`);
  const setCookie = response.headers['set-cookie'];
  const sessionCookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0];
  return { json: response.json() as Record<string, unknown>, cookie: sessionCookie ?? cookie };
}

/** A visitor's chat through the public widget API, so Conversations and Usage have something to show. */
async function chatAsVisitor(app: FastifyInstance, publicId: string, origin: string, question: string) {
  const started = await app.inject({
    method: 'POST',
    url: `/api/widget/${publicId}/conversations`,
    headers: { origin },
  });
  const { conversationId, visitorToken } = started.json() as { conversationId: string; visitorToken: string };
  const reply = await app.inject({
    method: 'POST',
    url: `/api/widget/${publicId}/conversations/${conversationId}/messages`,
    headers: { origin, authorization: `Bearer ${visitorToken}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ content: question }),
  });
  if (!reply.body.includes('event: done')) throw new Error(`The demo chat failed: ${reply.body}`);
}

export async function startDemo({ dataDir, port, sitePort }: DemoOptions): Promise<Demo> {
  const fake = await startFakeProviders();
  // Chunked with a short pause, so the widget streams the answer as a real model would.
  fake.setReply({ text: demoReply, chunks: 24, chunkDelayMs: 40 });
  const site = await startDemoSite(sitePort).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  const listenPort = port === 0 ? await findFreePort() : port;
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: String(listenPort),
    BESTAI_DATA_DIR: dataDir,
    BESTAI_SECRET: generateSecret(),
    LOG_LEVEL: 'warn',
    ANTHROPIC_BASE_URL: fake.baseURL('anthropic'),
    OPENAI_BASE_URL: fake.baseURL('openai'),
    GROQ_BASE_URL: fake.baseURL('groq'),
    DEEPSEEK_BASE_URL: fake.baseURL('deepseek'),
  });
  const server = await startServer(config, {
    onProgress: (step) => process.stdout.write(`${step}\n`),
  }).catch(async (error: unknown) => {
    await Promise.all([site.close(), fake.close()]);
    throw error;
  });
  const stop = async () => {
    await server.stop();
    await Promise.all([site.close(), fake.close()]);
  };
  try {
    const { app } = server;
    const password = `demo-${randomBytes(6).toString('hex')}`;
    process.stdout.write('Setting up the demo workspace…\n');
    const signedUp = await callApi(app, '', 'POST', '/api/auth/signup', {
      email: demoEmail,
      password,
      workspaceName: 'Northwind Coffee (demo)',
    });
    const cookie = signedUp.cookie;
    const workspaceId = (signedUp.json.workspace as { id: string }).id;
    const api = (method: 'POST' | 'PUT', rest: string, body: unknown) =>
      callApi(app, cookie, method, `/api/workspaces/${workspaceId}/${rest}`, body);
    await api('PUT', 'llm-keys/anthropic', { apiKey: `sk-ant-demo-${randomBytes(12).toString('hex')}` });
    const chatbot = await api('POST', 'chatbots', {
      name: 'Shop assistant',
      systemPrompt:
        'You are the friendly assistant of Northwind Coffee. Answer questions about orders and beans.',
      allowedOrigins: [site.url],
      title: 'Northwind Coffee',
      greeting: 'Hi! Ask me about our coffee, orders or shipping. (BestAI demo)',
    });
    const publicId = chatbot.json.publicId as string;
    site.embed(config.publicUrl, publicId);
    // The seeded chats stream at full speed; the visitor's own chats stream like a model.
    fake.setReply({ text: demoReply, chunks: 1 });
    for (const question of sampleQuestions) await chatAsVisitor(app, publicId, site.url, question);
    fake.setReply({ text: demoReply, chunks: 24, chunkDelayMs: 40 });
    return {
      adminUrl: `${config.publicUrl}/`,
      siteUrl: `${site.url}/`,
      previewUrl: chatbot.json.previewUrl as string,
      email: demoEmail,
      password,
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
