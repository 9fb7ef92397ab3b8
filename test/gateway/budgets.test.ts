/**
 * Monthly budgets end to end, in process: replies spend, the next message after a budget is reached fails
 * at once with the chatbot's paused message and no provider call, raising the budget resumes, and the
 * 50/80/100 % alerts are raised once each.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PAUSED_MESSAGE } from '../../src/chat/chat-turn.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { addMember, signUpOwner, startTestApp, type TestApp } from '../support/test-app.js';
import { sendVisitorMessage, startVisitor } from '../support/widget-client.js';

const platformKey = 'sk-ant-platform-' + 'p'.repeat(30);
const openaiKey = 'sk-proj-' + 'o'.repeat(40) + 'OOOO';

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

/** Calls that would answer a visitor (saving a key also asks the provider for its models). */
const chatCalls = () => fake.requests.filter((request) => request.endpoint === 'chat');

async function workspaceWithChatbot(settings: Record<string, unknown> = {}) {
  const owner = await signUpOwner(testApp);
  const created = await owner.client.post(`/api/workspaces/${owner.workspaceId}/chatbots`, {
    name: 'Helper',
    ...settings,
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  const chatbot = created.json() as { id: string; publicId: string };
  const base = `/api/workspaces/${owner.workspaceId}`;
  return {
    ...owner,
    chatbot,
    base,
    key: async () => (await owner.client.get(`${base}/llm-keys`)).json().keys[0],
    chatbotView: async () => (await owner.client.get(`${base}/chatbots/${chatbot.id}`)).json(),
    ask: async (visitor: Awaited<ReturnType<typeof startVisitor>>, content: string) =>
      sendVisitorMessage(testApp.app, visitor, content),
  };
}

/** Waits until the workspace's budget alerts number `count` (they are raised after the reply). */
async function budgetAlerts(
  client: { get(url: string): Promise<{ json(): unknown }> },
  base: string,
  count: number,
) {
  for (;;) {
    const { alerts } = (await client.get(`${base}/alerts`)).json() as {
      alerts: Array<{ kind: string; title: string; link: string | null }>;
    };
    const budget = alerts.filter((alert) => alert.kind === 'budget.threshold');
    if (budget.length >= count) return budget;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('a key’s monthly budget', () => {
  it('pauses the key once reached: the next message fails at once with the paused message; raising it resumes', async () => {
    const workspace = await workspaceWithChatbot({ pausedMessage: 'We are closed for the month.' });
    const keyUrl = `${workspace.base}/llm-keys/openai`;
    expect((await workspace.client.put(keyUrl, { apiKey: openaiKey })).statusCode).toBe(200);
    // Far below one reply's cost: the first reply reaches it.
    const patched = await workspace.client.patch(keyUrl, { monthlyBudgetUsd: '0.000001' });
    expect(patched.json()).toMatchObject({
      monthlyBudgetUsd: '0.000001',
      spentThisMonthUsd: '0',
      status: 'ok', // checked with the provider when it was saved
    });

    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    const first = await workspace.ask(visitor, 'Hello');
    expect(first.final?.event).toBe('done');
    expect(chatCalls()).toHaveLength(1);

    const paused = await workspace.key();
    expect(paused.status).toBe('paused');
    expect(Number(paused.spentThisMonthUsd)).toBeGreaterThan(0);

    const second = await workspace.ask(visitor, 'Are you there?');
    expect(second.final).toEqual({
      event: 'error',
      data: { message: 'We are closed for the month.', code: 'paused' },
    });
    expect(chatCalls()).toHaveLength(1); // no provider call, and never the platform key

    // Every threshold was crossed by the first reply: one alert each, raised once.
    const alerts = await budgetAlerts(workspace.client, workspace.base, 3);
    expect(alerts.map((alert) => alert.title).sort()).toEqual([
      'Your OpenAI key has used 100 % of its monthly budget',
      'Your OpenAI key has used 50 % of its monthly budget',
      'Your OpenAI key has used 80 % of its monthly budget',
    ]);

    expect((await workspace.client.patch(keyUrl, { monthlyBudgetUsd: '25' })).json()).toMatchObject({
      status: 'ok',
      monthlyBudgetUsd: '25',
    });
    const third = await workspace.ask(visitor, 'Now?');
    expect(third.final?.event).toBe('done');
    expect(chatCalls()).toHaveLength(2);

    // No budget at all.
    expect((await workspace.client.patch(keyUrl, { monthlyBudgetUsd: null })).json()).toMatchObject({
      monthlyBudgetUsd: null,
    });
  });

  it('is the owner’s to set, as an exact decimal', async () => {
    const workspace = await workspaceWithChatbot();
    const keyUrl = `${workspace.base}/llm-keys/openai`;
    await workspace.client.put(keyUrl, { apiKey: openaiKey });
    const admin = await addMember(testApp, workspace, 'admin');
    expect((await admin.client.patch(keyUrl, { monthlyBudgetUsd: '10' })).statusCode).toBe(403);
    for (const bad of [10, '-1', '1e3', '0.0000001', 'ten']) {
      expect((await workspace.client.patch(keyUrl, { monthlyBudgetUsd: bad })).statusCode).toBe(400);
    }
    expect((await workspace.client.patch(keyUrl, { monthlyBudgetUsd: '10.50' })).json()).toMatchObject({
      monthlyBudgetUsd: '10.5',
    });
  });
});

describe('a chatbot’s own key with a monthly budget', () => {
  it('spends and pauses apart from the workspace’s key of the same provider', async () => {
    const workspace = await workspaceWithChatbot({ pausedMessage: 'Back next month.' });
    const chatbotUrl = `${workspace.base}/chatbots/${workspace.chatbot.id}`;
    const workspaceKeyUrl = `${workspace.base}/llm-keys/openai`;
    const chatbotKeyUrl = `${chatbotUrl}/llm-keys/openai`;
    expect((await workspace.client.put(workspaceKeyUrl, { apiKey: openaiKey })).statusCode).toBe(200);
    expect((await workspace.client.put(chatbotKeyUrl, { apiKey: openaiKey })).statusCode).toBe(200);
    expect((await workspace.client.patch(chatbotUrl, { llmKeySource: 'own' })).statusCode).toBe(200);
    expect((await workspace.client.patch(workspaceKeyUrl, { monthlyBudgetUsd: '100' })).statusCode).toBe(200);
    expect(
      (await workspace.client.patch(chatbotKeyUrl, { monthlyBudgetUsd: '0.000001' })).json(),
    ).toMatchObject({ monthlyBudgetUsd: '0.000001', spentThisMonthUsd: '0' });

    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    expect((await workspace.ask(visitor, 'Hello')).final?.event).toBe('done');
    expect(chatCalls()).toHaveLength(1);

    const chatbotKey = (await workspace.client.get(`${chatbotUrl}/llm-keys`)).json().keys[0];
    expect(chatbotKey.status).toBe('paused');
    expect(Number(chatbotKey.spentThisMonthUsd)).toBeGreaterThan(0);
    // The workspace's OpenAI key did not answer: it has spent nothing and is not paused.
    expect(await workspace.key()).toMatchObject({ spentThisMonthUsd: '0', monthlyBudgetUsd: '100' });
    expect((await workspace.key()).status).not.toBe('paused');

    expect((await workspace.ask(visitor, 'Still there?')).final).toEqual({
      event: 'error',
      data: { message: 'Back next month.', code: 'paused' },
    });
    expect(chatCalls()).toHaveLength(1);

    const alerts = await budgetAlerts(workspace.client, workspace.base, 3);
    expect(alerts.map((alert) => alert.title)).toContain(
      'Your OpenAI key has used 100 % of its monthly budget',
    );
    // Set on the chatbot: its alerts lead there.
    expect(new Set(alerts.map((alert) => alert.link))).toEqual(
      new Set([`/chatbots/${workspace.chatbot.id}`]),
    );
  });
});

describe('a chatbot’s monthly budget', () => {
  it('answers nothing once reached, with the default paused message, until the budget is raised', async () => {
    const workspace = await workspaceWithChatbot();
    const chatbotUrl = `${workspace.base}/chatbots/${workspace.chatbot.id}`;
    expect((await workspace.client.patch(chatbotUrl, { monthlyBudgetUsd: '0.000001' })).json()).toMatchObject(
      {
        monthlyBudgetUsd: '0.000001',
        spentThisMonthUsd: '0',
        isPaused: false,
      },
    );

    const visitor = await startVisitor(testApp.app, workspace.chatbot.publicId);
    expect((await workspace.ask(visitor, 'Hello')).final?.event).toBe('done'); // the platform key answers
    expect(await workspace.chatbotView()).toMatchObject({ isPaused: true });

    // Another visitor too: the chatbot is paused, whoever asks.
    const other = await startVisitor(testApp.app, workspace.chatbot.publicId);
    expect((await workspace.ask(other, 'Hi')).final).toEqual({
      event: 'error',
      data: { message: DEFAULT_PAUSED_MESSAGE, code: 'paused' },
    });
    expect(chatCalls()).toHaveLength(1);

    await workspace.client.patch(chatbotUrl, { monthlyBudgetUsd: '100' });
    expect((await workspace.ask(other, 'Hi again')).final?.event).toBe('done');
    expect(chatCalls()).toHaveLength(2);
  });

  it('lets only the owner set the budget and the paused message', async () => {
    const workspace = await workspaceWithChatbot();
    const admin = await addMember(testApp, workspace, 'admin');
    const chatbotUrl = `${workspace.base}/chatbots/${workspace.chatbot.id}`;
    expect((await admin.client.patch(chatbotUrl, { monthlyBudgetUsd: '5' })).statusCode).toBe(403);
    expect((await admin.client.patch(chatbotUrl, { pausedMessage: 'Closed' })).statusCode).toBe(403);
    expect((await admin.client.patch(chatbotUrl, { greeting: 'Hi!' })).statusCode).toBe(200);
  });
});
