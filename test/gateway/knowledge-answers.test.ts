/**
 * Answers from a chatbot's knowledge, end to end: a visitor question whose answer is only in a source
 * reaches the fake provider with that passage as reference material, the stored reply lists the source,
 * the admin's conversation view shows it, and once the source is deleted the next answer no longer has it.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { messages } from '../../src/db/schema.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { signUpOwner, startTestApp, type TestApp } from '../support/test-app.js';
import { sendVisitorMessage, startVisitor } from '../support/widget-client.js';

let fake: FakeProviders;
let testApp: TestApp;

beforeAll(async () => {
  fake = await startFakeProviders();
  testApp = await startTestApp({
    PLATFORM_ANTHROPIC_API_KEY: 'sk-ant-platform-' + 'p'.repeat(30),
    ANTHROPIC_BASE_URL: fake.baseURL('anthropic'),
    OPENAI_BASE_URL: fake.baseURL('openai'),
    WIDGET_MESSAGES_PER_MINUTE: '1000',
    WIDGET_CONVERSATIONS_PER_MINUTE: '1000',
  });
});
afterAll(async () => {
  await testApp.close();
  await fake.close();
});
beforeEach(() => fake.reset());

const secretFact = 'The Brightkettle Duo ships with a spare limescale filter in the base of the box.';

async function chatbotWithSource() {
  const owner = await signUpOwner(testApp);
  const created = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, {
    name: 'Helper',
    systemPrompt: 'You are the Brightkettle helper.',
  });
  const chatbot = created.json() as { id: string; publicId: string };
  const knowledge = `/api/workspaces/${owner.workspaceId}/chatbots/${chatbot.id}/knowledge`;
  const source = (
    await owner.client.post(knowledge, { kind: 'text', title: 'Kettle accessories', content: secretFact })
  ).json() as { id: string };
  await vi.waitFor(
    async () => expect((await owner.client.get(knowledge)).json().sources[0].status).toBe('ready'),
    { timeout: 30_000, interval: 50 },
  );
  return { owner, chatbot, knowledge, source };
}

const systemOf = (index: number) => (fake.requests[index]!.body as { system?: string }).system ?? '';

describe('answers from knowledge', () => {
  it('sends the passage to the provider as reference material and records the source', async () => {
    const { owner, chatbot, knowledge, source } = await chatbotWithSource();
    const visitor = await startVisitor(testApp.app, chatbot.publicId);
    const reply = await sendVisitorMessage(
      testApp.app,
      visitor,
      'Is there a spare limescale filter in the box?',
    );
    expect(reply.final?.event).toBe('done');

    const system = systemOf(0);
    expect(system.startsWith('You are the Brightkettle helper.\n\n<reference_material>')).toBe(true);
    expect(system).toContain(secretFact);
    expect(system).toContain('<passage source="Kettle accessories">');
    const messageId = reply.final!.data.messageId as string;
    const [stored] = await testApp.database.db.select().from(messages).where(eq(messages.id, messageId));
    expect(stored!.sources).toEqual([{ sourceId: source.id, title: 'Kettle accessories' }]);

    const conversation = await owner.client.get(
      `/api/workspaces/${owner.workspaceId}/conversations/${visitor.conversationId}`,
    );
    const assistant = conversation
      .json()
      .messages.find((message: { id: string }) => message.id === messageId);
    expect(assistant.sources).toEqual([{ sourceId: source.id, title: 'Kettle accessories' }]);

    // A question the source does not touch goes without reference material and lists no source.
    const unrelated = await sendVisitorMessage(testApp.app, visitor, 'Hello!');
    expect(systemOf(1)).toBe('You are the Brightkettle helper.');
    const [plain] = await testApp.database.db
      .select()
      .from(messages)
      .where(eq(messages.id, unrelated.final!.data.messageId as string));
    expect(plain!.sources).toBeNull();

    // Deleted: the next answer no longer has it.
    expect((await owner.client.delete(`${knowledge}/${source.id}`)).statusCode).toBe(204);
    const after = await sendVisitorMessage(
      testApp.app,
      visitor,
      'Is there a spare limescale filter in the box?',
    );
    expect(systemOf(2)).not.toContain(secretFact);
    const [afterStored] = await testApp.database.db
      .select()
      .from(messages)
      .where(eq(messages.id, after.final!.data.messageId as string));
    expect(afterStored!.sources).toBeNull();
  });

  it('gives the widget links to web sources only when the owner turns them on', async () => {
    const { owner, chatbot, knowledge } = await chatbotWithSource();
    const visitor = await startVisitor(testApp.app, chatbot.publicId);
    const question = 'Is there a spare limescale filter in the box?';
    const without = await sendVisitorMessage(testApp.app, visitor, question);
    expect(without.final!.data.sources).toBeUndefined();
    await owner.client.patch(knowledge, { showSourceLinks: true });
    const withLinks = await sendVisitorMessage(testApp.app, visitor, question);
    // A pasted text has no address: it is named, not linked.
    expect(withLinks.final!.data.sources).toEqual([{ title: 'Kettle accessories', url: null }]);
  });
});
