/**
 * A key paused by its budget (contract: "Which provider answers", step 2): it stays a candidate, and
 * using it fails at once with `budget_exhausted` — no provider call — unless the owner's fallback names
 * that code. The budget itself is computed elsewhere; here the prepared turn says the key is paused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProviders, type FakeProviders } from '../../test/fakes/fake-provider-server.js';
import { signUpOwner, startTestApp, type TestApp } from '../../test/support/test-app.js';
import { startVisitor } from '../../test/support/widget-client.js';
import { createGatewayMetrics } from '../llm/gateway-metrics.js';
import { OpenReplies } from './open-replies.js';
import {
  prepareChatTurn,
  streamChatTurn,
  type ChatTurnDependencies,
  type PreparedTurn,
} from './chat-turn.js';

let fake: FakeProviders;
let testApp: TestApp;
let deps: ChatTurnDependencies;

beforeAll(async () => {
  fake = await startFakeProviders();
  testApp = await startTestApp({
    OPENAI_BASE_URL: fake.baseURL('openai'),
    GROQ_BASE_URL: fake.baseURL('groq'),
  });
  deps = {
    db: testApp.database.db,
    keyring: testApp.app.context.keyring,
    config: testApp.config,
    metrics: createGatewayMetrics(),
    replies: new OpenReplies(testApp.database.db, testApp.app.log),
    log: testApp.app.log,
  };
});
afterAll(async () => {
  await deps.replies.close(1_000);
  await testApp.close();
  await fake.close();
});
beforeEach(() => fake.reset());

/** A prepared turn of a workspace with OpenAI then Groq keys, the OpenAI key paused. */
async function turnWithPausedOpenAI(fallback: PreparedTurn['fallback']): Promise<PreparedTurn> {
  const owner = await signUpOwner(testApp);
  const root = `/api/workspaces/${owner.workspaceId}`;
  await owner.client.put(`${root}/llm-keys/openai`, { apiKey: 'sk-proj-' + 'o'.repeat(40) + 'OPEN' });
  await owner.client.put(`${root}/llm-keys/groq`, { apiKey: 'gsk_' + 'g'.repeat(40) + 'GROQ' });
  const chatbot = (await owner.client.post(`${root}/chatbots`, { name: 'Bot' })).json();
  const visitor = await startVisitor(testApp.app, chatbot.publicId);
  const prepared = await prepareChatTurn(
    deps,
    { ...visitor, isOwnOrigin: true, originCandidates: [] },
    'Are you there?',
  );
  if (prepared.outcome !== 'ready' || prepared.turn.plan.kind !== 'keys') throw new Error('not prepared');
  const [openai, groq] = prepared.turn.plan.candidates;
  fake.reset();
  return {
    ...prepared.turn,
    plan: { kind: 'keys', candidates: [{ ...openai!, isPaused: true }, groq!] },
    fallback,
  };
}

const stream = (turn: PreparedTurn) =>
  streamChatTurn(deps, turn, { signal: new AbortController().signal, onText: () => {} });

describe('a key paused by its budget', () => {
  it('fails at once with budget_exhausted, without calling the provider', async () => {
    const outcome = await stream(await turnWithPausedOpenAI({ enabled: false, on: [] }));
    expect(outcome).toMatchObject({ status: 'failed', failureCode: 'budget_exhausted' });
    expect(fake.requests).toHaveLength(0);
  });

  it('hands over to the next candidate when the owner chose budget_exhausted for fallback', async () => {
    const outcome = await stream(await turnWithPausedOpenAI({ enabled: true, on: ['budget_exhausted'] }));
    expect(outcome.status).toBe('complete');
    expect(fake.requests.map((request) => request.provider)).toEqual(['groq']);
  });

  it('does not hand over for other codes', async () => {
    const outcome = await stream(await turnWithPausedOpenAI({ enabled: true, on: ['invalid_key'] }));
    expect(outcome).toMatchObject({ status: 'failed', failureCode: 'budget_exhausted' });
    expect(fake.requests).toHaveLength(0);
  });
});
