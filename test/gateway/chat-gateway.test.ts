/**
 * The chat gateway end to end, in process: the widget API → resolution → a fake provider speaking the
 * real wire format → the stored messages and the key's health.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SERVER_STOPPING_VISITOR_ERROR } from '../../src/chat/chat-turn.js';
import { messages } from '../../src/db/schema.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { signUpOwner, startTestApp, type TestApp } from '../support/test-app.js';
import { sendVisitorMessage, startVisitor } from '../support/widget-client.js';

const platformKey = 'sk-ant-platform-' + 'p'.repeat(30);
const keys = {
  anthropic: 'sk-ant-api03-' + 'a'.repeat(40) + 'AAAA',
  openai: 'sk-proj-' + 'o'.repeat(40) + 'OOOO',
  groq: 'gsk_' + 'g'.repeat(40) + 'GGGG',
  deepseek: 'sk-' + 'd'.repeat(32) + 'DDDD',
} as const;
type Provider = keyof typeof keys;

let fake: FakeProviders;
let testApp: TestApp;

beforeAll(async () => {
  fake = await startFakeProviders();
  testApp = await startTestApp({
    PLATFORM_ANTHROPIC_API_KEY: platformKey,
    ANTHROPIC_BASE_URL: fake.baseURL('anthropic'),
    OPENAI_BASE_URL: fake.baseURL('openai'),
    GROQ_BASE_URL: fake.baseURL('groq'),
    DEEPSEEK_BASE_URL: fake.baseURL('deepseek'),
    WIDGET_MESSAGES_PER_MINUTE: '1000',
    WIDGET_CONVERSATIONS_PER_MINUTE: '1000',
  });
});
afterAll(async () => {
  await testApp.close();
  await fake.close();
});
beforeEach(() => fake.reset());

/** Replies only: saving a key also asks the provider for its model list. */
const chatRequests = () => fake.requests.filter((request) => request.endpoint === 'chat');

async function workspaceWithChatbot(options: { systemPrompt?: string; errorMessage?: string } = {}) {
  const owner = await signUpOwner(testApp);
  const created = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, {
    name: 'Helper',
    ...options,
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  const chatbot = created.json() as { id: string; publicId: string };
  const keyUrl = (provider: Provider) => `/api/workspaces/${owner.workspaceId}/llm-keys/${provider}`;
  return {
    ...owner,
    chatbot,
    addKey: (provider: Provider, body: { apiKey?: string; model?: string } = {}) =>
      owner.client.put(keyUrl(provider), { apiKey: keys[provider], ...body }),
    patchKey: (provider: Provider, body: object) => owner.client.patch(keyUrl(provider), body),
    listKeys: async () => (await owner.client.get(`/api/workspaces/${owner.workspaceId}/llm-keys`)).json(),
    storedReply: async (messageId: string) =>
      (await testApp.database.db.select().from(messages).where(eq(messages.id, messageId)))[0]!,
  };
}

describe('streaming on each provider', () => {
  it('answers on the platform key when the workspace has no key of its own', async () => {
    const workspace = await workspaceWithChatbot({ systemPrompt: 'You are the Acme helper.' });
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const reply = await sendVisitorMessage(testApp.app, visitor, 'Hello there');
    expect(reply.response.statusCode).toBe(200);
    expect(reply.response.headers['cache-control']).toBe('no-cache');
    expect(reply.response.headers['x-accel-buffering']).toBe('no');
    expect(reply.final?.event).toBe('done');
    expect(reply.text.length).toBeGreaterThan(0);

    const [request] = chatRequests();
    expect(request).toMatchObject({ provider: 'anthropic', apiKey: platformKey });
    expect(request!.body).toMatchObject({
      model: 'claude-haiku-4-5',
      system: 'You are the Acme helper.',
      stream: true,
    });
    const stored = await workspace.storedReply(reply.final!.data.messageId as string);
    expect(stored).toMatchObject({
      status: 'complete',
      content: reply.text,
      provider: 'anthropic',
      keySource: 'platform',
      model: 'claude-haiku-4-5',
    });
    expect(stored.inputTokens).toBeGreaterThan(0);
    expect(stored.outputTokens).toBeGreaterThan(0);
  });

  it.each(['anthropic', 'openai', 'groq', 'deepseek'] as const)(
    'streams on a workspace %s key with usage stored',
    async (provider) => {
      const workspace = await workspaceWithChatbot();
      await workspace.addKey(provider);
      const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
      const reply = await sendVisitorMessage(testApp.app, visitor, `Hi ${provider}`);
      expect(reply.final?.event).toBe('done');
      expect(chatRequests().map((request) => [request.provider, request.apiKey])).toEqual([
        [provider, keys[provider]],
      ]);
      const stored = await workspace.storedReply(reply.final!.data.messageId as string);
      expect(stored).toMatchObject({ status: 'complete', provider, keySource: 'workspace' });
      expect(stored.inputTokens).toBeGreaterThan(0);
      expect(stored.outputTokens).toBeGreaterThan(0);
      const row = (await workspace.listKeys()).keys[0];
      expect(row.status).toBe('ok');
      expect(row.lastUsedAt).not.toBeNull();
    },
  );

  it('sends the conversation history and keeps the visitor message before calling the provider', async () => {
    const workspace = await workspaceWithChatbot();
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    await sendVisitorMessage(testApp.app, visitor, 'First question');
    await sendVisitorMessage(testApp.app, visitor, 'Second question');
    const sent = chatRequests()[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(sent.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.messages[0]!.content).toBe('First question');
    expect(sent.messages[2]!.content).toBe('Second question');
  });
});

describe('which provider answers', () => {
  it('prefers Anthropic, then the first enabled of OpenAI, Groq, DeepSeek, with the model override', async () => {
    const workspace = await workspaceWithChatbot();
    await workspace.addKey('deepseek');
    await workspace.addKey('groq', { model: 'llama-3.3-70b-versatile' });
    await workspace.addKey('anthropic', { model: 'claude-sonnet-4-5' });
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const expectations: Array<[() => Promise<unknown>, Provider, string]> = [
      [async () => {}, 'anthropic', 'claude-sonnet-4-5'],
      [() => workspace.patchKey('anthropic', { enabled: false }), 'groq', 'llama-3.3-70b-versatile'],
      [() => workspace.patchKey('groq', { enabled: false }), 'deepseek', 'deepseek-chat'],
    ];
    for (const [change, provider, model] of expectations) {
      await change();
      fake.reset();
      const reply = await sendVisitorMessage(testApp.app, visitor, 'Which one?');
      expect(reply.final?.event).toBe('done');
      expect(
        chatRequests().map((request) => [request.provider, (request.body as { model: string }).model]),
      ).toEqual([[provider, model]]);
    }
    expect((await workspace.listKeys()).activeProvider).toBe('deepseek');
  });

  it('finishes a reply in flight on the old key and answers the next message with the replacement', async () => {
    const workspace = await workspaceWithChatbot();
    await workspace.addKey('openai');
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const held = fake.holdNext('openai');
    const inFlight = sendVisitorMessage(testApp.app, visitor, 'A long answer, please');
    await held.started;
    const newKey = 'sk-proj-' + 'n'.repeat(40) + 'NEWW';
    expect((await workspace.addKey('openai', { apiKey: newKey })).statusCode).toBe(200);
    held.release();
    const first = await inFlight;
    expect(first.final?.event).toBe('done');
    const next = await sendVisitorMessage(testApp.app, visitor, 'And now?');
    expect(next.final?.event).toBe('done');
    expect(chatRequests().map((request) => request.apiKey)).toEqual([keys.openai, newKey]);
  });
});

describe('failures', () => {
  it('gives the visitor the friendly sentence on a rejected key, records invalid_key, and contacts nothing else', async () => {
    const workspace = await workspaceWithChatbot({
      errorMessage: 'Our assistant is resting. Email us instead.',
    });
    await workspace.addKey('openai');
    await workspace.addKey('groq');
    fake.rejectKey(keys.openai);
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const reply = await sendVisitorMessage(testApp.app, visitor, 'Hello?');
    expect(reply.events).toEqual([
      { event: 'error', data: { message: 'Our assistant is resting. Email us instead.' } },
    ]);
    expect(chatRequests().map((request) => [request.provider, request.apiKey])).toEqual([
      ['openai', keys.openai],
    ]);
    const row = (await workspace.listKeys()).keys.find(
      (key: { provider: string }) => key.provider === 'openai',
    );
    expect(row.status).toBe('error');
    expect(row.lastError.code).toBe('invalid_key');
    expect(JSON.stringify(row)).not.toContain(keys.openai);
    const stored = await testApp.database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, visitor.conversationId));
    expect(stored.map((message) => [message.role, message.status])).toEqual(
      expect.arrayContaining([
        ['user', 'complete'],
        ['assistant', 'failed'],
      ]),
    );
    // The next success clears the error.
    fake.reset();
    expect((await sendVisitorMessage(testApp.app, visitor, 'Again')).final?.event).toBe('done');
    expect(
      (await workspace.listKeys()).keys.find((key: { provider: string }) => key.provider === 'openai').status,
    ).toBe('ok');
  });

  it('stores a retried question once, and sends it to the provider once', async () => {
    const workspace = await workspaceWithChatbot();
    await workspace.addKey('openai');
    fake.failNext('openai', { status: 401 });
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    expect((await sendVisitorMessage(testApp.app, visitor, 'Are you there?')).final?.event).toBe('error');
    expect((await sendVisitorMessage(testApp.app, visitor, 'Are you there?')).final?.event).toBe('done');
    const retried = chatRequests().at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(retried.messages).toEqual([{ role: 'user', content: 'Are you there?' }]);
    const stored = await testApp.database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, visitor.conversationId));
    expect(stored.filter((message) => message.role === 'user')).toHaveLength(1);
    // Asking the same again after a good answer is a new question, stored again.
    await sendVisitorMessage(testApp.app, visitor, 'Are you there?');
    const after = await testApp.database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, visitor.conversationId));
    expect(after.filter((message) => message.role === 'user')).toHaveLength(2);
  });

  it('records the reply as streaming from the start, saves its partial text, and on shutdown asks to send again', async () => {
    const workspace = await workspaceWithChatbot();
    await workspace.addKey('openai');
    fake.setReply({ text: 'once upon a time', chunks: 4 });
    const held = fake.holdNext('openai');
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const inFlight = sendVisitorMessage(testApp.app, visitor, 'Tell me a story');
    await held.started;
    const rowsNow = () =>
      testApp.database.db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, visitor.conversationId))
        .orderBy(messages.createdAt);
    // The periodic save, run by hand until the first piece of text has reached the gateway.
    let saved = await rowsNow();
    while (saved[1]?.content === '') {
      await testApp.app.openReplies.checkpoint();
      saved = await rowsNow();
    }
    expect(saved.map((row) => [row.role, row.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'streaming'],
    ]);
    expect(saved[1]).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });

    await testApp.app.openReplies.stopAll(5_000);
    const cut = await inFlight;
    held.release();
    expect(cut.final).toEqual({ event: 'error', data: { message: SERVER_STOPPING_VISITOR_ERROR } });
    expect(cut.text.length).toBeGreaterThan(0);
    const [, reply] = await rowsNow();
    expect(reply).toMatchObject({ status: 'interrupted', content: cut.text, errorCode: 'server_stopped' });

    // Sending it again stores the question once, and the model sees it once, without the cut answer.
    const again = await sendVisitorMessage(testApp.app, visitor, 'Tell me a story');
    expect(again.final?.event).toBe('done');
    expect((fake.requests.at(-1)!.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'Tell me a story' },
    ]);
    expect((await rowsNow()).map((row) => [row.role, row.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
      ['assistant', 'complete'],
    ]);
  });

  it('keeps the partial text as interrupted when the provider drops the connection mid-stream', async () => {
    const workspace = await workspaceWithChatbot();
    await workspace.addKey('anthropic');
    fake.setReply({ text: 'one two three four five six seven eight', chunks: 8 });
    fake.dropNext('anthropic', { afterChunks: 3 });
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const reply = await sendVisitorMessage(testApp.app, visitor, 'Count');
    expect(reply.final?.event).toBe('error');
    expect(reply.text.length).toBeGreaterThan(0);
    const stored = await testApp.database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, visitor.conversationId));
    const assistant = stored.find((message) => message.role === 'assistant')!;
    expect(assistant.status).toBe('interrupted');
    expect(assistant.content).toBe(reply.text);
  });

  it('retries once on a 5xx before the first token, and never retries a rejected key', async () => {
    const workspace = await workspaceWithChatbot();
    await workspace.addKey('groq');
    fake.failNext('groq', { status: 503 });
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const reply = await sendVisitorMessage(testApp.app, visitor, 'Hi');
    expect(reply.final?.event).toBe('done');
    expect(chatRequests()).toHaveLength(2);

    fake.reset();
    fake.rejectKey(keys.groq);
    await sendVisitorMessage(testApp.app, visitor, 'Hi again');
    expect(chatRequests()).toHaveLength(1);
  });

  it('maps exhausted credit to quota_exceeded', async () => {
    const workspace = await workspaceWithChatbot();
    await workspace.addKey('deepseek');
    fake.setOutOfCredit('deepseek');
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const reply = await sendVisitorMessage(testApp.app, visitor, 'Hi');
    expect(reply.final?.event).toBe('error');
    expect((await workspace.listKeys()).keys[0].lastError.code).toBe('quota_exceeded');
  });

  it('fails politely without a platform key, never silently', async () => {
    const bare = await startTestApp({ ANTHROPIC_BASE_URL: fake.baseURL('anthropic') });
    try {
      const owner = await signUpOwner(bare);
      const chatbot = (
        await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, { name: 'Bot' })
      ).json();
      const visitor = await startVisitor(bare.app, chatbot.publicId);
      const reply = await sendVisitorMessage(bare.app, visitor, 'Hello');
      expect(reply.final?.event).toBe('error');
      expect(chatRequests()).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });
});

describe('the public endpoint', () => {
  it('rejects a wrong visitor token, another conversation, empty and over-long content', async () => {
    const workspace = await workspaceWithChatbot();
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const other = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const wrongToken = await sendVisitorMessage(
      testApp.app,
      { ...visitor, visitorToken: other.visitorToken },
      'Hi',
    );
    expect(wrongToken.response.statusCode).toBe(404);
    const empty = await sendVisitorMessage(testApp.app, visitor, '   ');
    expect(empty.response.statusCode).toBe(400);
    const long = await sendVisitorMessage(testApp.app, visitor, 'x'.repeat(8001));
    expect(long.response.statusCode).toBe(400);
    expect((await sendVisitorMessage(testApp.app, visitor, 'x'.repeat(8000))).response.statusCode).toBe(200);
    expect(chatRequests()).toHaveLength(1);
  });

  it('serves the history to the visitor for reloads', async () => {
    const workspace = await workspaceWithChatbot();
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const reply = await sendVisitorMessage(testApp.app, visitor, 'Remember me');
    const history = await testApp.app.inject({
      url: `/api/widget/${visitor.publicId}/conversations/${visitor.conversationId}/messages`,
      headers: { authorization: `Bearer ${visitor.visitorToken}` },
    });
    expect(
      history
        .json()
        .messages.map((message: { role: string; content: string }) => [message.role, message.content]),
    ).toEqual([
      ['user', 'Remember me'],
      ['assistant', reply.text],
    ]);
  });

  it('exposes Prometheus metrics for replies', async () => {
    const workspace = await workspaceWithChatbot();
    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    await sendVisitorMessage(testApp.app, visitor, 'Count me');
    const metrics = (await testApp.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/bestai_chat_messages_total\{provider="anthropic",outcome="complete"\} [1-9]/);
    expect(metrics).toContain('bestai_chat_time_to_first_token_seconds_bucket');
    expect(metrics).toMatch(/bestai_chat_tokens_total\{provider="anthropic",direction="output"\} [1-9]/);
  });
});
