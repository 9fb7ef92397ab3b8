/**
 * A chatbot's widget settings (theme, language, starter questions) through the admin API to the widget's
 * config; visitors' ratings (only on a finished answer of their own conversation) counted in Usage; and
 * the origins a chatbot was refused on, kept bounded and shown only to its own workspace.
 */
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatbotRefusedOrigins } from '../../src/db/schema.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { signUpOwner, startTestApp, type TestApp } from '../support/test-app.js';
import { sendVisitorMessage, startVisitor } from '../support/widget-client.js';

let fake: FakeProviders;
let testApp: TestApp;

beforeAll(async () => {
  fake = await startFakeProviders();
  testApp = await startTestApp({
    PLATFORM_ANTHROPIC_API_KEY: 'sk-ant-platform-0123456789abcdef',
    ANTHROPIC_BASE_URL: fake.baseURL('anthropic'),
  });
});
afterAll(async () => {
  await testApp.close();
  await fake.close();
});
beforeEach(() => fake.reset());

async function ownerWithChatbot(settings: Record<string, unknown> = {}) {
  const owner = await signUpOwner(testApp);
  const response = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, {
    name: 'Shop helper',
    ...settings,
  });
  expect(response.statusCode).toBe(201);
  return { owner, chatbot: response.json() as { id: string; publicId: string } };
}

describe('widget settings', () => {
  it('stores theme, language and up to four starter questions, and the widget config carries them', async () => {
    const { owner, chatbot } = await ownerWithChatbot({
      theme: 'auto',
      language: 'es',
      starterQuestions: [' ¿Dónde está mi pedido? ', '¿Hacéis envíos?'],
    });
    const config = await testApp.app.inject({ url: `/api/widget/${chatbot.publicId}/config` });
    expect(config.json()).toMatchObject({
      theme: 'auto',
      language: 'es',
      starterQuestions: ['¿Dónde está mi pedido?', '¿Hacéis envíos?'],
    });
    const path = `/api/workspaces/${owner.workspaceId}/chatbots/${chatbot.id}`;
    for (const body of [
      { theme: 'purple' },
      { language: 'xx' },
      { starterQuestions: ['1', '2', '3', '4', '5'] },
      { starterQuestions: ['  '] },
      { starterQuestions: ['x'.repeat(201)] },
    ]) {
      const refused = await owner.client.patch(path, body);
      expect({ body, status: refused.statusCode }).toEqual({ body, status: 400 });
    }
  });
});

describe('ratings', () => {
  it('rates a finished answer of the visitor’s own conversation, counts it in Usage, and refuses the rest', async () => {
    const { owner, chatbot } = await ownerWithChatbot();
    const visitor = await startVisitor(testApp.app, chatbot.publicId);
    const turn = await sendVisitorMessage(testApp.app, visitor, 'Hello?');
    const messageId = turn.final?.data.messageId as string;
    expect(messageId).toEqual(expect.any(String));
    const rate = (target: typeof visitor, id: string, rating: unknown) =>
      testApp.app.inject({
        method: 'PUT',
        url: `/api/widget/${target.publicId}/conversations/${target.conversationId}/messages/${id}/rating`,
        headers: { authorization: `Bearer ${target.visitorToken}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ rating }),
      });
    expect((await rate(visitor, messageId, 'down')).statusCode).toBe(204);
    const usage = await owner.client.get(`/api/workspaces/${owner.workspaceId}/usage`);
    expect(usage.json().ratings).toEqual({ up: 0, down: 1 });
    const detail = await owner.client.get(
      `/api/workspaces/${owner.workspaceId}/conversations/${visitor.conversationId}`,
    );
    expect(detail.json().messages.map((message: { rating: unknown }) => message.rating)).toEqual([
      null,
      'down',
    ]);

    // Another visitor cannot rate this answer; the visitor's own question, a made-up id and a bad value fail.
    const stranger = await startVisitor(testApp.app, chatbot.publicId);
    expect((await rate(stranger, messageId, 'up')).statusCode).toBe(404);
    expect(
      (await rate({ ...visitor, visitorToken: stranger.visitorToken }, messageId, 'up')).statusCode,
    ).toBe(404);
    const question = detail.json().messages[0].id as string;
    expect((await rate(visitor, question, 'up')).statusCode).toBe(404);
    expect((await rate(visitor, 'not-a-uuid', 'up')).statusCode).toBe(404);
    expect((await rate(visitor, messageId, 'love')).statusCode).toBe(400);
    const after = await owner.client.get(`/api/workspaces/${owner.workspaceId}/usage`);
    expect(after.json().ratings).toEqual({ up: 0, down: 1 });
  });
});

describe('refused origins', () => {
  it('records the websites a chatbot was refused on, at most 50, shown only to its own workspace', async () => {
    const { owner, chatbot } = await ownerWithChatbot({ allowedOrigins: ['https://shop.example.com'] });
    const ask = (origin: string) =>
      testApp.app.inject({ url: `/api/widget/${chatbot.publicId}/config`, headers: { origin } });
    expect((await ask('https://shop.example.com')).statusCode).toBe(200);
    expect((await ask('https://www.shop.example.com')).statusCode).toBe(403);
    expect((await ask('https://www.shop.example.com')).statusCode).toBe(403);
    for (let index = 0; index < 60; index++) await ask(`https://spam${index}.example`);
    const path = `/api/workspaces/${owner.workspaceId}/chatbots/${chatbot.id}/refused-origins`;
    const listed = await owner.client.get(path);
    expect(listed.statusCode).toBe(200);
    const origins = listed.json().origins as { origin: string; refusals: number }[];
    expect(origins.length).toBeLessThanOrEqual(10);
    const [stored] = await testApp.database.db
      .select({ rows: count() })
      .from(chatbotRefusedOrigins)
      .where(eq(chatbotRefusedOrigins.chatbotId, chatbot.id));
    expect(stored?.rows).toBe(50);
    // The listed origin keeps counting after the cap.
    await ask('https://www.shop.example.com');
    const again = (await owner.client.get(path)).json().origins as { origin: string; refusals: number }[];
    expect(again[0]).toMatchObject({ origin: 'https://www.shop.example.com', refusals: 3 });

    const other = await signUpOwner(testApp);
    const foreign = await other.client.get(
      `/api/workspaces/${other.workspaceId}/chatbots/${chatbot.id}/refused-origins`,
    );
    expect(foreign.statusCode).toBe(404);
  });
});
