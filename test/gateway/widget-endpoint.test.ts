/**
 * The public widget endpoint under hostile conditions: origins, rate limits (in memory and in Redis),
 * visitors who leave mid-reply, and arbitrary input.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messages } from '../../src/db/schema.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { signUpOwner, startTestApp, type TestApp } from '../support/test-app.js';
import { sendVisitorMessage, startVisitor } from '../support/widget-client.js';

let fake: FakeProviders;
let testApp: TestApp;
const providerEnvironment = () => ({
  PLATFORM_ANTHROPIC_API_KEY: 'sk-ant-platform-0123456789abcdef',
  ANTHROPIC_BASE_URL: fake.baseURL('anthropic'),
});

beforeAll(async () => {
  fake = await startFakeProviders();
  testApp = await startTestApp({
    ...providerEnvironment(),
    WIDGET_MESSAGES_PER_MINUTE: '5',
    WIDGET_CONVERSATIONS_PER_MINUTE: '3',
  });
});
afterAll(async () => {
  await testApp.close();
  await fake.close();
});
beforeEach(() => fake.reset());

async function createChatbot(app: TestApp, allowedOrigins: string[] = []) {
  const owner = await signUpOwner(app);
  const response = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, {
    name: 'Shop helper',
    allowedOrigins,
  });
  return response.json() as { publicId: string };
}

describe('origins', () => {
  it('allows listed origins and wildcard subdomains with CORS headers, and refuses others with 403', async () => {
    const { publicId } = await createChatbot(testApp, [
      'https://shop.example.com',
      'https://*.brand.example',
    ]);
    const config = (origin: string) =>
      testApp.app.inject({ url: `/api/widget/${publicId}/config`, headers: { origin } });
    const allowed = await config('https://shop.example.com');
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(allowed.json()).toEqual({
      title: 'Shop helper',
      greeting: null,
      color: expect.stringMatching(/^#/),
      position: 'right',
      theme: 'light',
      language: 'en',
      starterQuestions: [],
    });
    expect((await config('https://eu.brand.example')).statusCode).toBe(200);
    for (const origin of [
      'https://evil.example',
      'https://brand.example',
      'http://shop.example.com',
      'https://shop.example.com.evil.io',
    ]) {
      const refused = await config(origin);
      expect({ origin, status: refused.statusCode }).toEqual({ origin, status: 403 });
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
    const preflight = await testApp.app.inject({
      method: 'OPTIONS',
      url: `/api/widget/${publicId}/conversations`,
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const refusedPreflight = await testApp.app.inject({
      method: 'OPTIONS',
      url: `/api/widget/${publicId}/conversations`,
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(refusedPreflight.statusCode).toBe(403);
  });

  it('answers an unknown conversation with a 404 the embedding page can read, so the widget starts anew', async () => {
    const { publicId } = await createChatbot(testApp, ['https://shop.example.com']);
    const visitor = await startVisitor(testApp.app, publicId, 'https://shop.example.com');
    const stale = await sendVisitorMessage(
      testApp.app,
      { ...visitor, visitorToken: 'expired-token' },
      'Hello',
    );
    expect(stale.response.statusCode).toBe(404);
    expect(stale.response.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    const foreign = await sendVisitorMessage(
      testApp.app,
      { ...visitor, headers: { origin: 'https://evil.example' } },
      'Hello',
    );
    expect(foreign.response.statusCode).toBe(403);
    expect(foreign.response.headers['access-control-allow-origin']).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
    const stored = await testApp.database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, visitor.conversationId));
    expect(stored).toEqual([]);
  });

  it('admits messages by the same rules as the config: exact, wildcard subdomains, nothing else', async () => {
    const { publicId } = await createChatbot(testApp, ['https://*.example.com', 'http://localhost:5173']);
    const visitor = await startVisitor(testApp.app, publicId, 'https://shop.example.com');
    const statusFrom = async (origin: string) =>
      (await sendVisitorMessage(testApp.app, { ...visitor, headers: { origin } }, `from ${origin}`)).response
        .statusCode;

    expect(await statusFrom('https://a.b.example.com')).toBe(200);
    expect(await statusFrom('https://SHOP.example.com:443')).toBe(200);
    expect(await statusFrom('http://localhost:5173')).toBe(200);
    for (const origin of [
      'https://example.com',
      'https://evilexample.com',
      'http://shop.example.com',
      'null',
    ])
      expect({ origin, status: await statusFrom(origin) }).toEqual({ origin, status: 403 });
    expect(fake.requests).toHaveLength(3);
  });

  it('allows every origin when the list is empty, and 404s an unknown chatbot', async () => {
    const { publicId } = await createChatbot(testApp);
    expect(
      (
        await testApp.app.inject({
          url: `/api/widget/${publicId}/config`,
          headers: { origin: 'https://anywhere.example' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await testApp.app.inject({ url: '/api/widget/cb_doesnotexist/config' })).statusCode).toBe(404);
  });
});

describe('rate limits', () => {
  it('limits new conversations and messages per IP and chatbot, with Retry-After', async () => {
    const { publicId } = await createChatbot(testApp);
    const statuses = [];
    for (let index = 0; index < 4; index += 1) {
      statuses.push(
        (await testApp.app.inject({ method: 'POST', url: `/api/widget/${publicId}/conversations` }))
          .statusCode,
      );
    }
    expect(statuses).toEqual([201, 201, 201, 429]);

    const other = await createChatbot(testApp);
    const visitor = await startVisitor(testApp.app, other.publicId, 'https://shop.example.com');
    const replies = [];
    for (let index = 0; index < 6; index += 1)
      replies.push((await sendVisitorMessage(testApp.app, visitor, `m${index}`)).response);
    expect(replies.map((reply) => reply.statusCode)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(replies[5]!.headers['retry-after'])).toBeGreaterThan(0);
    // Readable by the embedding page, so the widget can count down.
    expect(replies[5]!.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(replies[5]!.json().error.code).toBe('rate_limited');
    // The limited message was not stored and reached no provider.
    expect(fake.requests).toHaveLength(5);
  });

  it('shares the limits between instances through Redis', async () => {
    const redisUrl = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
    const clients = [new Redis(redisUrl), new Redis(redisUrl)];
    const instances = await Promise.all(
      clients.map((redis) =>
        startTestApp({ ...providerEnvironment(), WIDGET_CONVERSATIONS_PER_MINUTE: '4' }, { redis }),
      ),
    );
    try {
      // Both instances must see one chatbot: create it in the first and copy its row to the second.
      const { publicId } = await createChatbot(instances[0]!);
      const [first, second] = instances as [TestApp, TestApp];
      const statuses = [];
      for (const instance of [first, second, first, second, first]) {
        if (instance === second) await copyChatbot(first, second, publicId);
        statuses.push(
          (await instance.app.inject({ method: 'POST', url: `/api/widget/${publicId}/conversations` }))
            .statusCode,
        );
      }
      expect(statuses).toEqual([201, 201, 201, 201, 429]);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
      clients.forEach((client) => client.disconnect());
    }
  }, 120_000);
});

/** Copies a chatbot (and its workspace) from one test database to another, idempotently. */
async function copyChatbot(from: TestApp, to: TestApp, publicId: string) {
  const { chatbots, workspaces } = await import('../../src/db/schema.js');
  const [chatbot] = await from.database.db.select().from(chatbots).where(eq(chatbots.publicId, publicId));
  const [workspace] = await from.database.db
    .select()
    .from(workspaces)
    .where(eq(workspaces.id, chatbot!.workspaceId));
  await to.database.db.insert(workspaces).values(workspace!).onConflictDoNothing();
  await to.database.db.insert(chatbots).values(chatbot!).onConflictDoNothing();
}

describe('a visitor who leaves', () => {
  it('aborts the upstream request and keeps the partial reply as interrupted', async () => {
    const { publicId } = await createChatbot(testApp);
    const visitor = await startVisitor(testApp.app, publicId);
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = testApp.app.server.address() as AddressInfo;
    const held = fake.holdNext('anthropic');
    const upstreamClosed = fake.nextDisconnect();
    const firstDelta = new Promise<http.ClientRequest>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/api/widget/${publicId}/conversations/${visitor.conversationId}/messages`,
          headers: { authorization: `Bearer ${visitor.visitorToken}`, 'content-type': 'application/json' },
        },
        (response) => {
          response.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('event: delta')) resolve(request);
          });
        },
      );
      request.on('error', () => {});
      request.setTimeout(20_000, () => reject(new Error('no delta')));
      request.end(JSON.stringify({ content: 'Tell me a long story' }));
    });
    await held.started;
    (await firstDelta).destroy();
    await upstreamClosed;
    held.release();
    // The reply row is written once the gateway has seen the abort.
    await expect
      .poll(async () => {
        const rows = await testApp.database.db
          .select()
          .from(messages)
          .where(eq(messages.conversationId, visitor.conversationId));
        return rows.find((row) => row.role === 'assistant')?.status;
      })
      .toBe('interrupted');
  });
});

describe('arbitrary input', () => {
  it('never answers 5xx, and answers 4xx in the error shape, for any message body or id', async () => {
    const { publicId } = await createChatbot(testApp);
    const busy = await startTestApp({
      ...providerEnvironment(),
      WIDGET_MESSAGES_PER_MINUTE: '100000',
      WIDGET_CONVERSATIONS_PER_MINUTE: '100000',
    });
    try {
      const bot = await createChatbot(busy);
      const visitor = await startVisitor(busy.app, bot.publicId);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.json(), fc.string(), fc.record({ content: fc.anything() })),
          fc.oneof(fc.constant(visitor.conversationId), fc.string({ maxLength: 80 })),
          fc.oneof(fc.constant(`Bearer ${visitor.visitorToken}`), fc.string({ maxLength: 200 })),
          async (payload, conversationId, authorization) => {
            const response = await busy.app.inject({
              method: 'POST',
              url: `/api/widget/${bot.publicId}/conversations/${encodeURIComponent(conversationId)}/messages`,
              headers: { 'content-type': 'application/json', authorization },
              payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
            });
            expect(response.statusCode).toBeLessThan(500);
            if (response.statusCode >= 400) expect(response.json().error.code).toMatch(/^[a-z_]+$/);
          },
        ),
        { numRuns: 150 },
      );
      for (const path of ['config', 'conversations', `conversations/${visitor.conversationId}/messages`]) {
        await fc.assert(
          fc.asyncProperty(fc.string({ maxLength: 100 }), async (id) => {
            const response = await busy.app.inject({
              method: 'GET',
              url: `/api/widget/${encodeURIComponent(id)}/${path}`,
            });
            expect(response.statusCode).toBeLessThan(500);
          }),
          { numRuns: 50 },
        );
      }
    } finally {
      await busy.close();
    }
    expect(publicId).toBeTruthy();
  }, 120_000);
});
