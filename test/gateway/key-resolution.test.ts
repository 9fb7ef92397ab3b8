/**
 * Which key answers, end to end (contract: "Which provider answers"): a table of key scopes, provider
 * orders, enabled keys, the platform-key switch, fallback on and off, and failure codes, each run through
 * the widget API against fake providers. Every case checks who was called, in which order, what the
 * visitor got, and what the stored reply records (key scope, provider, masked key, `fallbackFrom`).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messages } from '../../src/db/schema.js';
import { startFakeProviders, type FakeProviders } from '../fakes/fake-provider-server.js';
import { signUpOwner, startTestApp, type TestApp } from '../support/test-app.js';
import { sendVisitorMessage, startVisitor } from '../support/widget-client.js';

type Provider = 'anthropic' | 'openai' | 'groq' | 'deepseek';
type Scope = 'workspace' | 'chatbot';
type Failure =
  | 'invalid_key'
  | 'quota_exceeded'
  | 'rate_limited'
  | 'provider_unavailable'
  | 'model_not_found'
  | 'mid_stream';

const platformKey = 'sk-ant-platform-' + 'p'.repeat(30);
const prefixes: Record<Provider, string> = {
  anthropic: 'sk-ant-api03-',
  openai: 'sk-proj-',
  groq: 'gsk_',
  deepseek: 'sk-',
};
/** A distinct key per scope and provider, so every provider call says whose key it carried. */
const keyOf = (scope: Scope, provider: Provider) =>
  `${prefixes[provider]}${scope}-${provider}-`.padEnd(48, scope === 'workspace' ? 'w' : 'c') + 'TAIL';
const labelOf = (apiKey: string | null) => {
  if (apiKey === platformKey) return 'platform';
  for (const scope of ['workspace', 'chatbot'] as const) {
    for (const provider of Object.keys(prefixes) as Provider[]) {
      if (keyOf(scope, provider) === apiKey) return `${scope}:${provider}`;
    }
  }
  return `unknown:${apiKey}`;
};

interface Case {
  name: string;
  /** Which scope answers: `chatbot` switches the chatbot to its own keys. */
  scope: Scope;
  workspaceKeys?: Provider[];
  chatbotKeys?: Provider[];
  /** Keys of the answering scope that are disabled. */
  disabled?: Provider[];
  order?: Provider[];
  usePlatformKey?: boolean;
  fallback?: { enabled: boolean; on: Failure[] };
  fails?: Array<[Provider, Failure]>;
  expected: {
    event: 'done' | 'error';
    /** Provider calls, in order, as `scope:provider` or `platform`. */
    calls: string[];
    keySource?: 'workspace' | 'chatbot' | 'platform';
    fallbackFrom?: { provider: Provider; code: string };
    /** Of a reply that did not complete; `failed` unless text was shown. */
    status?: 'failed' | 'interrupted';
  };
}

const everyCode: Failure[] = [
  'invalid_key',
  'quota_exceeded',
  'rate_limited',
  'provider_unavailable',
  'model_not_found',
];

const cases: Case[] = [
  {
    name: 'the default order puts Anthropic first',
    scope: 'workspace',
    workspaceKeys: ['deepseek', 'openai', 'anthropic'],
    expected: { event: 'done', calls: ['workspace:anthropic'], keySource: 'workspace' },
  },
  {
    name: 'the scope order decides',
    scope: 'workspace',
    workspaceKeys: ['anthropic', 'openai', 'groq'],
    order: ['groq', 'openai'],
    expected: { event: 'done', calls: ['workspace:groq'], keySource: 'workspace' },
  },
  {
    name: 'a disabled key is skipped',
    scope: 'workspace',
    workspaceKeys: ['anthropic', 'openai'],
    disabled: ['anthropic'],
    expected: { event: 'done', calls: ['workspace:openai'], keySource: 'workspace' },
  },
  {
    name: 'no key and the platform key allowed: the platform key',
    scope: 'workspace',
    expected: { event: 'done', calls: ['platform'], keySource: 'platform' },
  },
  {
    name: 'no enabled key and the platform key forbidden: nobody',
    scope: 'workspace',
    workspaceKeys: ['openai'],
    disabled: ['openai'],
    usePlatformKey: false,
    expected: { event: 'error', calls: [] },
  },
  {
    name: 'fallback off: a failure is the answer, nothing else is called',
    scope: 'workspace',
    workspaceKeys: ['anthropic', 'openai'],
    fails: [['anthropic', 'invalid_key']],
    expected: { event: 'error', calls: ['workspace:anthropic'] },
  },
  ...everyCode.map((code): Case => ({
    name: `fallback on ${code}: the next candidate answers`,
    scope: 'workspace',
    workspaceKeys: ['openai', 'groq'],
    fallback: { enabled: true, on: [code] },
    fails: [['openai', code]],
    expected: {
      event: 'done',
      calls: [
        ...(code === 'rate_limited' || code === 'provider_unavailable'
          ? ['workspace:openai', 'workspace:openai']
          : ['workspace:openai']),
        'workspace:groq',
      ],
      keySource: 'workspace',
      fallbackFrom: { provider: 'openai', code },
    },
  })),
  {
    name: 'fallback on other codes only: no switch',
    scope: 'workspace',
    workspaceKeys: ['openai', 'groq'],
    fallback: { enabled: true, on: ['rate_limited', 'quota_exceeded'] },
    fails: [['openai', 'invalid_key']],
    expected: { event: 'error', calls: ['workspace:openai'] },
  },
  {
    name: 'fallback configured but switched off: no switch',
    scope: 'workspace',
    workspaceKeys: ['openai', 'groq'],
    fallback: { enabled: false, on: ['invalid_key'] },
    fails: [['openai', 'invalid_key']],
    expected: { event: 'error', calls: ['workspace:openai'] },
  },
  {
    name: 'never the platform key after a failure, even with fallback on and the platform key allowed',
    scope: 'workspace',
    workspaceKeys: ['openai'],
    usePlatformKey: true,
    fallback: { enabled: true, on: everyCode },
    fails: [['openai', 'invalid_key']],
    expected: { event: 'error', calls: ['workspace:openai'] },
  },
  {
    name: 'never a switch once text reached the visitor',
    scope: 'workspace',
    workspaceKeys: ['openai', 'groq'],
    fallback: { enabled: true, on: everyCode },
    fails: [['openai', 'mid_stream']],
    expected: { event: 'error', calls: ['workspace:openai'], status: 'interrupted' },
  },
  {
    name: 'fallback walks the whole order and records where it started',
    scope: 'workspace',
    workspaceKeys: ['anthropic', 'openai', 'deepseek'],
    order: ['deepseek', 'openai', 'anthropic'],
    fallback: { enabled: true, on: ['invalid_key', 'quota_exceeded'] },
    fails: [
      ['deepseek', 'quota_exceeded'],
      ['openai', 'invalid_key'],
    ],
    expected: {
      event: 'done',
      calls: ['workspace:deepseek', 'workspace:openai', 'workspace:anthropic'],
      keySource: 'workspace',
      fallbackFrom: { provider: 'deepseek', code: 'quota_exceeded' },
    },
  },
  {
    name: "a chatbot with its own keys answers with them, never the workspace's",
    scope: 'chatbot',
    workspaceKeys: ['anthropic'],
    chatbotKeys: ['openai'],
    expected: { event: 'done', calls: ['chatbot:openai'], keySource: 'chatbot' },
  },
  {
    name: "a chatbot's own fallback stays among its own keys",
    scope: 'chatbot',
    workspaceKeys: ['anthropic', 'groq'],
    chatbotKeys: ['openai', 'deepseek'],
    fallback: { enabled: true, on: ['invalid_key'] },
    fails: [['openai', 'invalid_key']],
    expected: {
      event: 'done',
      calls: ['chatbot:openai', 'chatbot:deepseek'],
      keySource: 'chatbot',
      fallbackFrom: { provider: 'openai', code: 'invalid_key' },
    },
  },
  {
    name: "a chatbot whose own key fails never reaches the workspace's",
    scope: 'chatbot',
    workspaceKeys: ['anthropic', 'openai'],
    chatbotKeys: ['groq'],
    fallback: { enabled: true, on: everyCode },
    fails: [['groq', 'invalid_key']],
    expected: { event: 'error', calls: ['chatbot:groq'] },
  },
  {
    name: "a chatbot without usable keys of its own and the platform key forbidden: nobody, not the workspace's key",
    scope: 'chatbot',
    workspaceKeys: ['anthropic'],
    chatbotKeys: ['openai'],
    disabled: ['openai'],
    usePlatformKey: false,
    expected: { event: 'error', calls: [] },
  },
  {
    name: 'a chatbot without keys of its own and the platform key allowed: the platform key',
    scope: 'chatbot',
    workspaceKeys: ['openai'],
    expected: { event: 'done', calls: ['platform'], keySource: 'platform' },
  },
];

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

const defaultModels: Record<Provider, string> = {
  anthropic: 'claude-haiku-4-5',
  openai: 'gpt-4o-mini',
  groq: 'llama-3.1-70b-versatile',
  deepseek: 'deepseek-chat',
};

function injectFailure(scope: Scope, provider: Provider, failure: Failure) {
  const apiKey = keyOf(scope, provider);
  if (failure === 'invalid_key') fake.rejectKey(apiKey);
  else if (failure === 'quota_exceeded') fake.setOutOfCredit(provider, apiKey);
  else if (failure === 'model_not_found') fake.unknownModels.add(defaultModels[provider]);
  else if (failure === 'mid_stream') fake.failMidStreamNext(provider, { afterChunks: 2 });
  else {
    // A retryable failure is retried once before the first token: fail both tries.
    const status = failure === 'rate_limited' ? 429 : 503;
    fake.failNext(provider, { status, endpoint: 'chat' });
    fake.failNext(provider, { status, endpoint: 'chat' });
  }
}

describe('which key answers', () => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const owner = await signUpOwner(testApp);
    const workspaceRoot = `/api/workspaces/${owner.workspaceId}`;
    const chatbot = (await owner.client.post(`${workspaceRoot}/chatbots`, { name: 'Bot' })).json();
    const chatbotRoot = `${workspaceRoot}/chatbots/${chatbot.id}`;
    const rootOf = (scope: Scope) => (scope === 'workspace' ? workspaceRoot : chatbotRoot);
    const answering = rootOf(testCase.scope);
    const change = async (method: 'PUT' | 'PATCH', url: string, body: object) => {
      const response = await owner.client.request(method, url, body);
      if (response.statusCode !== 200) throw new Error(`${method} ${url}: ${response.body}`);
    };

    for (const [scope, providers] of [
      ['workspace', testCase.workspaceKeys ?? []],
      ['chatbot', testCase.chatbotKeys ?? []],
    ] as const) {
      for (const provider of providers) {
        await change('PUT', `${rootOf(scope)}/llm-keys/${provider}`, { apiKey: keyOf(scope, provider) });
      }
    }
    if (testCase.scope === 'chatbot') await change('PATCH', chatbotRoot, { llmKeySource: 'own' });
    for (const provider of testCase.disabled ?? []) {
      await change('PATCH', `${answering}/llm-keys/${provider}`, { enabled: false });
    }
    const settings = {
      ...(testCase.order ? { providerOrder: testCase.order } : {}),
      ...(testCase.usePlatformKey === undefined ? {} : { usePlatformKey: testCase.usePlatformKey }),
      ...(testCase.fallback ? { fallback: testCase.fallback } : {}),
    };
    if (Object.keys(settings).length > 0) await change('PATCH', `${answering}/llm-settings`, settings);

    fake.reset();
    for (const [provider, failure] of testCase.fails ?? []) injectFailure(testCase.scope, provider, failure);
    const visitor = await startVisitor(testApp.app, chatbot.publicId);
    const reply = await sendVisitorMessage(testApp.app, visitor, 'Who answers?');

    const calls = fake.requests
      .filter((request) => request.endpoint === 'chat')
      .map((request) => labelOf(request.apiKey));
    expect({ event: reply.final?.event, calls }).toEqual({
      event: testCase.expected.event,
      calls: testCase.expected.calls,
    });
    const [stored] = await testApp.database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, visitor.conversationId))
      .then((rows) => rows.filter((row) => row.role === 'assistant'));
    const answered = testCase.expected.event === 'done' ? testCase.expected.calls.at(-1)! : undefined;
    if (answered) {
      const provider = answered === 'platform' ? 'anthropic' : answered.split(':')[1];
      expect(stored).toMatchObject({
        status: 'complete',
        keySource: testCase.expected.keySource,
        provider,
        model: defaultModels[provider as Provider],
        maskedKey: answered === 'platform' ? null : provider === 'groq' ? 'gsk_...TAIL' : 'sk-...TAIL',
        fallbackFrom: testCase.expected.fallbackFrom ?? null,
      });
    } else {
      expect(stored).toMatchObject({ status: testCase.expected.status ?? 'failed', fallbackFrom: null });
    }
    if (testCase.expected.fallbackFrom) {
      // The key that failed shows why, in its own scope's table.
      const keys = (await owner.client.get(`${answering}/llm-keys`)).json().keys as Array<{
        provider: string;
        lastError: { code: string } | null;
      }>;
      const failed = keys.find((key) => key.provider === testCase.expected.fallbackFrom!.provider);
      expect(failed?.lastError?.code).toBe(testCase.expected.fallbackFrom.code);
    }
  });
});
