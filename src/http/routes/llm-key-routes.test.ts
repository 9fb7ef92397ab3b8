/**
 * Keys and settings of both key scopes through the HTTP API, against fake providers speaking the real
 * wire formats: the same routes and rules for the workspace's keys and a chatbot's own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProviders, type FakeProviders } from '../../../test/fakes/fake-provider-server.js';
import { and, eq } from 'drizzle-orm';
import { llmKeys } from '../../db/schema.js';
import { sendVisitorMessage, startVisitor } from '../../../test/support/widget-client.js';
import {
  addMember,
  signUpOwner,
  startTestApp,
  TestClient,
  type TestApp,
} from '../../../test/support/test-app.js';

let fake: FakeProviders;
let testApp: TestApp;
beforeAll(async () => {
  fake = await startFakeProviders();
  testApp = await startTestApp({
    PLATFORM_ANTHROPIC_API_KEY: 'sk-ant-platform-' + 'p'.repeat(30),
    ANTHROPIC_BASE_URL: fake.baseURL('anthropic'),
    OPENAI_BASE_URL: fake.baseURL('openai'),
    GROQ_BASE_URL: fake.baseURL('groq'),
    DEEPSEEK_BASE_URL: fake.baseURL('deepseek'),
  });
});
afterAll(async () => {
  await testApp.close();
  await fake.close();
});
beforeEach(() => fake.reset());

const anthropicKey = 'sk-ant-api03-' + 'a'.repeat(40) + 'WXYZ';
const openaiKey = 'sk-proj-' + 'b'.repeat(40) + 'abcd';

type ScopeKind = 'workspace' | 'chatbot';
type Owner = Awaited<ReturnType<typeof signUpOwner>>;

/** An owner with a place for keys: the workspace itself, or a new chatbot of it. */
async function ownerWithScope(kind: ScopeKind) {
  const owner = await signUpOwner(testApp);
  let root = `/api/workspaces/${owner.workspaceId}`;
  let chatbotId: string | null = null;
  if (kind === 'chatbot') {
    const created = await owner.client.post(`${root}/chatbots`, { name: 'Shop bot' });
    chatbotId = created.json().id as string;
    root = `${root}/chatbots/${chatbotId}`;
  }
  const keysUrl = (provider = '') => `${root}/llm-keys${provider ? `/${provider}` : ''}`;
  return { owner, root, chatbotId, keysUrl, settingsUrl: `${root}/llm-settings` };
}

const modelRequests = () => fake.requests.filter((request) => request.endpoint === 'models');
const auditOf = async (owner: Owner) =>
  (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit-log`)).json().entries as Array<{
    action: string;
    provider: string | null;
    maskedKey: string | null;
    details: Record<string, unknown> | null;
  }>;

describe.each(['workspace', 'chatbot'] as const)('%s keys', (kind) => {
  it('adds a key after the provider accepted it, shows only its mask, and uses it as the active provider', async () => {
    const { owner, keysUrl } = await ownerWithScope(kind);
    // Its own key per scope: a key already checked would come from the model-list cache.
    const apiKey = 'sk-ant-api03-' + kind.padEnd(40, 'a') + 'WXYZ';
    const empty = (await owner.client.get(keysUrl())).json();
    expect(empty).toEqual({
      keys: [],
      defaults: {
        anthropic: 'claude-haiku-4-5',
        openai: 'gpt-4o-mini',
        groq: 'llama-3.1-70b-versatile',
        deepseek: 'deepseek-chat',
      },
      activeProvider: 'platform',
      hasPlatformKey: true,
    });

    const saved = await owner.client.put(keysUrl('anthropic'), {
      apiKey,
      model: 'claude-sonnet-4-5',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      provider: 'anthropic',
      maskedKey: 'sk-...WXYZ',
      model: 'claude-sonnet-4-5',
      effectiveModel: 'claude-sonnet-4-5',
      enabled: true,
      status: 'ok',
      lastUsedAt: null,
      lastError: null,
    });
    expect(saved.body).not.toContain(apiKey);
    expect(modelRequests().map((request) => request.apiKey)).toEqual([apiKey]);

    await owner.client.put(keysUrl('openai'), { apiKey: openaiKey });
    const listed = (await owner.client.get(keysUrl())).json();
    expect(listed.activeProvider).toBe('anthropic');
    expect(
      listed.keys.map((key: { provider: string; maskedKey: string; effectiveModel: string }) => [
        key.provider,
        key.maskedKey,
        key.effectiveModel,
      ]),
    ).toEqual([
      ['anthropic', 'sk-...WXYZ', 'claude-sonnet-4-5'],
      ['openai', 'sk-...abcd', 'gpt-4o-mini'],
    ]);
  });

  it('refuses a key the provider rejects and keeps the stored one, unless told to save it anyway', async () => {
    const { owner, keysUrl } = await ownerWithScope(kind);
    await owner.client.put(keysUrl('openai'), { apiKey: openaiKey });
    const rejected = 'sk-proj-' + 'r'.repeat(40) + 'BAD1';
    fake.rejectKey(rejected);

    const refused = await owner.client.put(keysUrl('openai'), { apiKey: rejected, model: 'gpt-4o' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('key_rejected');
    expect(refused.json().error.message).toMatch(/OpenAI rejected this key/);
    expect(refused.json().error.message).toMatch(/Provider said: Incorrect API key/);
    expect(refused.body).not.toContain(rejected);
    const kept = (await owner.client.get(keysUrl())).json().keys[0];
    expect(kept).toMatchObject({ maskedKey: 'sk-...abcd', model: null, status: 'ok' });
    expect((await auditOf(owner)).filter((entry) => entry.action.startsWith('llm_key.'))).toHaveLength(1);

    const forced = await owner.client.put(keysUrl('openai'), { apiKey: rejected, force: true });
    expect(forced.statusCode).toBe(200);
    expect(forced.json()).toMatchObject({ maskedKey: 'sk-...BAD1', status: 'error' });
    expect(forced.json().lastError.code).toBe('invalid_key');
    const [replaced] = await auditOf(owner);
    expect(replaced).toMatchObject({ action: 'llm_key.replaced', maskedKey: 'sk-...BAD1' });
    expect(replaced!.details).toMatchObject({ previousMaskedKey: 'sk-...abcd', savedDespite: 'invalid_key' });
  });

  it('saves a key it could not check, saying why, and a model the provider does not list as model_not_found', async () => {
    const { owner, keysUrl } = await ownerWithScope(kind);
    fake.failNext('groq', { status: 503, endpoint: 'models' });
    const unchecked = await owner.client.put(keysUrl('groq'), { apiKey: 'gsk_' + 'g'.repeat(40) + 'G001' });
    expect(unchecked.statusCode).toBe(200);
    expect(unchecked.json().lastError).toMatchObject({ code: 'provider_unavailable' });
    expect(unchecked.json().lastError.message).toMatch(/could not be checked/);

    const typo = await owner.client.put(keysUrl('openai'), { apiKey: openaiKey, model: 'gpt-4o-mni' });
    expect(typo.statusCode).toBe(200);
    expect(typo.json()).toMatchObject({ status: 'error', model: 'gpt-4o-mni' });
    expect(typo.json().lastError).toMatchObject({ code: 'model_not_found' });
    expect(typo.json().lastError.message).toContain('gpt-4o-mni');

    // Choosing a listed model clears that error; an unlisted one brings it back.
    const fixed = await owner.client.patch(keysUrl('openai'), { model: 'gpt-4o' });
    expect(fixed.json()).toMatchObject({ status: 'ok', lastError: null, model: 'gpt-4o' });
    const again = await owner.client.patch(keysUrl('openai'), { model: 'gpt-4.1' });
    expect(again.json()).toMatchObject({ status: 'error', lastError: { code: 'model_not_found' } });

    // Test checks the model too.
    const tested = await owner.client.post(`${keysUrl('openai')}/test`);
    expect(tested.json()).toMatchObject({ ok: false, lastError: { code: 'model_not_found' } });
  });

  it("lists the provider's models for the stored key, from a cache", async () => {
    const { owner, keysUrl } = await ownerWithScope(kind);
    const apiKey = 'sk-' + kind.padEnd(32, 'm') + 'DEEP';
    await owner.client.put(keysUrl('deepseek'), { apiKey });
    const first = await owner.client.get(`${keysUrl('deepseek')}/models`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ models: ['deepseek-chat', 'deepseek-reasoner'] });
    await owner.client.get(`${keysUrl('deepseek')}/models`);
    // The save asked once; both lists came from what it learned.
    expect(modelRequests()).toHaveLength(1);
    expect((await owner.client.get(`${keysUrl('groq')}/models`)).statusCode).toBe(404);
  });

  it('replaces a key keeping enabled and the override, disables, enables, changes the model and deletes', async () => {
    const { owner, keysUrl } = await ownerWithScope(kind);
    const url = keysUrl('openai');
    await owner.client.put(url, { apiKey: openaiKey, model: 'gpt-4o' });
    expect((await owner.client.patch(url, { enabled: false })).json()).toMatchObject({
      enabled: false,
      status: 'disabled',
    });
    expect((await owner.client.get(keysUrl())).json().activeProvider).toBe('platform');

    const replaced = await owner.client.put(url, { apiKey: 'sk-proj-' + 'c'.repeat(30) + 'NEW1' });
    expect(replaced.json()).toMatchObject({ maskedKey: 'sk-...NEW1', model: 'gpt-4o', enabled: false });

    expect((await owner.client.patch(url, { enabled: true })).json()).toMatchObject({
      enabled: true,
      status: 'ok',
    });
    expect((await owner.client.patch(url, { model: '' })).json()).toMatchObject({
      model: null,
      effectiveModel: 'gpt-4o-mini',
    });

    expect((await owner.client.delete(url)).statusCode).toBe(204);
    expect((await owner.client.get(keysUrl())).json().keys).toEqual([]);
    expect((await owner.client.delete(url)).statusCode).toBe(404);
    expect((await owner.client.patch(url, { enabled: true })).statusCode).toBe(404);
  });

  it('writes one audit entry per change, with provider and mask only', async () => {
    const { owner, keysUrl, chatbotId } = await ownerWithScope(kind);
    const url = keysUrl('groq');
    const first = 'gsk_' + 'd'.repeat(40) + 'G001';
    const second = 'gsk_' + 'e'.repeat(40) + 'G002';
    await owner.client.put(url, { apiKey: first });
    await owner.client.put(url, { apiKey: second });
    await owner.client.patch(url, { enabled: false });
    await owner.client.patch(url, { enabled: true });
    await owner.client.patch(url, { model: 'llama-3.1-8b-instant' });
    await owner.client.delete(url);

    const audit = await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit-log`);
    const entries = (await auditOf(owner)).filter((entry) => entry.action.startsWith('llm_key.'));
    expect(entries.map((entry) => [entry.action, entry.provider, entry.maskedKey])).toEqual([
      ['llm_key.deleted', 'groq', 'gsk_...G002'],
      ['llm_key.model_changed', 'groq', 'gsk_...G002'],
      ['llm_key.enabled', 'groq', 'gsk_...G002'],
      ['llm_key.disabled', 'groq', 'gsk_...G002'],
      ['llm_key.replaced', 'groq', 'gsk_...G002'],
      ['llm_key.added', 'groq', 'gsk_...G001'],
    ]);
    for (const entry of entries) {
      if (chatbotId) expect(entry.details?.chatbot).toEqual({ id: chatbotId, name: 'Shop bot' });
      else expect(entry.details?.chatbot).toBeUndefined();
    }
    expect(audit.body).not.toContain(first);
    expect(audit.body).not.toContain(second);
  });

  it('keeps settings: provider order, the platform-key switch and fallback, each change audited', async () => {
    const { owner, keysUrl, settingsUrl, chatbotId } = await ownerWithScope(kind);
    expect((await owner.client.get(settingsUrl)).json()).toEqual({
      providerOrder: ['anthropic', 'openai', 'groq', 'deepseek'],
      usePlatformKey: true,
      fallback: { enabled: false, on: [] },
    });
    await owner.client.put(keysUrl('anthropic'), { apiKey: anthropicKey });
    await owner.client.put(keysUrl('openai'), { apiKey: openaiKey });
    expect((await owner.client.get(keysUrl())).json().activeProvider).toBe('anthropic');

    const reordered = await owner.client.patch(settingsUrl, { providerOrder: ['openai', 'anthropic'] });
    expect(reordered.json().providerOrder).toEqual(['openai', 'anthropic', 'groq', 'deepseek']);
    const listed = (await owner.client.get(keysUrl())).json();
    expect(listed.activeProvider).toBe('openai');
    expect(listed.keys.map((key: { provider: string }) => key.provider)).toEqual(['openai', 'anthropic']);

    await owner.client.patch(keysUrl('openai'), { enabled: false });
    await owner.client.patch(keysUrl('anthropic'), { enabled: false });
    expect((await owner.client.get(keysUrl())).json().activeProvider).toBe('platform');
    const off = await owner.client.patch(settingsUrl, { usePlatformKey: false });
    expect(off.json().usePlatformKey).toBe(false);
    expect((await owner.client.get(keysUrl())).json().activeProvider).toBe('none');

    const fallback = await owner.client.patch(settingsUrl, {
      fallback: { enabled: true, on: ['rate_limited', 'invalid_key'] },
    });
    expect(fallback.json().fallback).toEqual({ enabled: true, on: ['invalid_key', 'rate_limited'] });

    const changes = (await auditOf(owner)).filter((entry) => entry.action === 'llm_settings.changed');
    expect(changes.map((entry) => Object.keys(entry.details!).filter((name) => name !== 'chatbot'))).toEqual([
      ['fallback'],
      ['usePlatformKey'],
      ['providerOrder'],
    ]);
    expect(changes[0]!.details!.fallback).toEqual({
      before: { enabled: false, on: [] },
      after: { enabled: true, on: ['invalid_key', 'rate_limited'] },
    });
    if (chatbotId) expect(changes[0]!.details!.chatbot).toEqual({ id: chatbotId, name: 'Shop bot' });

    for (const bad of [
      { providerOrder: ['openai', 'openai'] },
      { providerOrder: ['mistral'] },
      { usePlatformKey: 'no' },
      { fallback: { on: ['unknown'] } },
    ]) {
      expect((await owner.client.patch(settingsUrl, bad)).statusCode).toBe(400);
    }
  });
});

describe('key scopes stay apart', () => {
  it("never lists a chatbot's keys as the workspace's, nor the other way round", async () => {
    const { owner, keysUrl, settingsUrl } = await ownerWithScope('chatbot');
    const workspaceKeys = `/api/workspaces/${owner.workspaceId}/llm-keys`;
    await owner.client.put(keysUrl('openai'), { apiKey: openaiKey });
    await owner.client.put(`${workspaceKeys}/anthropic`, { apiKey: anthropicKey });
    await owner.client.patch(settingsUrl, { usePlatformKey: false });

    expect(
      (await owner.client.get(keysUrl())).json().keys.map((key: { provider: string }) => key.provider),
    ).toEqual(['openai']);
    expect(
      (await owner.client.get(workspaceKeys)).json().keys.map((key: { provider: string }) => key.provider),
    ).toEqual(['anthropic']);
    expect(
      (await owner.client.get(`/api/workspaces/${owner.workspaceId}/llm-settings`)).json().usePlatformKey,
    ).toBe(true);
    // Deleting the workspace's key leaves the chatbot's alone.
    expect((await owner.client.delete(`${workspaceKeys}/openai`)).statusCode).toBe(404);
    expect((await owner.client.get(keysUrl())).json().keys).toHaveLength(1);
  });

  it("answers 404 for another workspace's chatbot, and for a chatbot that does not exist", async () => {
    const mine = await ownerWithScope('chatbot');
    const stranger = await signUpOwner(testApp, 'Stranger');
    const throughStranger = `/api/workspaces/${stranger.workspaceId}/chatbots/${mine.chatbotId}`;
    for (const response of [
      await stranger.client.get(mine.keysUrl()),
      await stranger.client.get(`${throughStranger}/llm-keys`),
      await stranger.client.put(`${throughStranger}/llm-keys/openai`, { apiKey: openaiKey }),
      await stranger.client.patch(`${throughStranger}/llm-settings`, { usePlatformKey: false }),
      await mine.owner.client.get(
        `/api/workspaces/${mine.owner.workspaceId}/chatbots/${crypto.randomUUID()}/llm-keys`,
      ),
      await mine.owner.client.get(
        `/api/workspaces/${mine.owner.workspaceId}/chatbots/not-a-uuid/llm-settings`,
      ),
    ]) {
      expect(response.statusCode).toBe(404);
    }
    expect((await mine.owner.client.get(mine.keysUrl())).json().keys).toEqual([]);
  });

  it('lets only the owner switch a chatbot to its own keys', async () => {
    const { owner, chatbotId } = await ownerWithScope('chatbot');
    const chatbotUrl = `/api/workspaces/${owner.workspaceId}/chatbots/${chatbotId}`;
    const admin = await addMember(testApp, owner, 'admin');
    const refused = await admin.client.patch(chatbotUrl, { llmKeySource: 'own' });
    expect(refused.statusCode).toBe(403);
    expect((await admin.client.patch(chatbotUrl, { name: 'Renamed' })).statusCode).toBe(200);
    const switched = await owner.client.patch(chatbotUrl, { llmKeySource: 'own' });
    expect(switched.json()).toMatchObject({ llmKeySource: 'own', name: 'Renamed' });
    expect((await owner.client.patch(chatbotUrl, { llmKeySource: 'nobody' })).statusCode).toBe(400);
  });
});

describe('bad input', () => {
  it.each([
    ['too short', 'sk-1234'],
    ['with a space', 'sk-abc def-123456'],
    ['with a newline', 'sk-abcdef\n123456'],
    ['non-ASCII', 'sk-abcdéf123456'],
    ['too long', 'sk-' + 'x'.repeat(600)],
  ])('rejects a key %s, naming apiKey and never echoing the value', async (_label, apiKey) => {
    const owner = await signUpOwner(testApp);
    const response = await owner.client.put(`/api/workspaces/${owner.workspaceId}/llm-keys/openai`, {
      apiKey,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ field: 'apiKey' })]);
    expect(response.body).not.toContain(apiKey);
    expect(testApp.logLines.join('\n')).not.toContain(apiKey);
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects an unknown provider, a non-string key and a bad model', async () => {
    const owner = await signUpOwner(testApp);
    const keysUrl = (provider: string) => `/api/workspaces/${owner.workspaceId}/llm-keys/${provider}`;
    expect((await owner.client.put(keysUrl('mistral'), { apiKey: openaiKey })).statusCode).toBe(400);
    expect((await owner.client.put(keysUrl('openai'), { apiKey: 12345678 })).statusCode).toBe(400);
    expect(
      (await owner.client.put(keysUrl('openai'), { apiKey: openaiKey, model: 'gpt 4<script>' })).statusCode,
    ).toBe(400);
    expect((await owner.client.put(keysUrl('openai'), { apiKey: openaiKey, force: 'yes' })).statusCode).toBe(
      400,
    );
    expect((await owner.client.patch(keysUrl('openai'), { enabled: 'yes' })).statusCode).toBe(400);
  });
});

describe.each(['workspace', 'chatbot'] as const)('who may do what with %s keys', (kind) => {
  type Role = 'owner' | 'admin' | 'viewer' | 'support';
  const roles: Role[] = ['owner', 'admin', 'viewer', 'support'];

  it('lets every member read masks and settings, and only the owner change, test or list models', async () => {
    const { owner, keysUrl, settingsUrl } = await ownerWithScope(kind);
    const members: Record<Role, TestClient> = {
      owner: owner.client,
      admin: (await addMember(testApp, owner, 'admin')).client,
      viewer: (await addMember(testApp, owner, 'viewer')).client,
      support: (await addMember(testApp, owner, 'support')).client,
    };
    await owner.client.put(keysUrl('anthropic'), { apiKey: anthropicKey });
    for (const role of roles) {
      const client = members[role];
      const list = await client.get(keysUrl());
      expect(list.statusCode).toBe(200);
      expect(list.json().keys[0].maskedKey).toBe('sk-...WXYZ');
      expect((await client.get(settingsUrl)).statusCode).toBe(200);
      if (role === 'owner') continue;
      const attempts = [
        await client.put(keysUrl('openai'), { apiKey: openaiKey }),
        await client.patch(keysUrl('anthropic'), { enabled: false }),
        await client.delete(keysUrl('anthropic')),
        await client.post(`${keysUrl('anthropic')}/test`),
        await client.get(`${keysUrl('anthropic')}/models`),
        await client.patch(settingsUrl, { usePlatformKey: false }),
      ];
      expect({ role, statuses: attempts.map((attempt) => attempt.statusCode) }).toEqual({
        role,
        statuses: [403, 403, 403, 403, 403, 403],
      });
    }
    // Nothing changed.
    const after = (await owner.client.get(keysUrl())).json();
    expect(
      after.keys.map((key: { provider: string; enabled: boolean }) => [key.provider, key.enabled]),
    ).toEqual([['anthropic', true]]);
    expect((await owner.client.get(settingsUrl)).json().usePlatformKey).toBe(true);
  });

  it('answers 404 to another workspace and 401 when signed out', async () => {
    const { owner, keysUrl, settingsUrl } = await ownerWithScope(kind);
    await owner.client.put(keysUrl('anthropic'), { apiKey: anthropicKey });
    const stranger = await signUpOwner(testApp, 'Stranger');
    for (const response of [
      await stranger.client.get(keysUrl()),
      await stranger.client.put(keysUrl('openai'), { apiKey: openaiKey }),
      await stranger.client.patch(keysUrl('anthropic'), { enabled: false }),
      await stranger.client.delete(keysUrl('anthropic')),
      await stranger.client.post(`${keysUrl('anthropic')}/test`),
      await stranger.client.get(`${keysUrl('anthropic')}/models`),
      await stranger.client.get(settingsUrl),
      await stranger.client.patch(settingsUrl, { usePlatformKey: false }),
    ]) {
      expect(response.statusCode).toBe(404);
    }
    const anonymous = new TestClient(testApp);
    expect((await anonymous.get(keysUrl())).statusCode).toBe(401);
    expect((await anonymous.put(keysUrl('openai'), { apiKey: openaiKey })).statusCode).toBe(401);
    expect((await anonymous.get(settingsUrl)).statusCode).toBe(401);
  });
});

const workspaceKeysUrl = (workspaceId: string, provider = '') =>
  `/api/workspaces/${workspaceId}/llm-keys${provider ? `/${provider}` : ''}`;

describe('a stored key that cannot be opened', () => {
  it('answers Test with ok:false and marks the row, and the visitor gets the friendly error: never a 500', async () => {
    const victim = await signUpOwner(testApp, 'Victim');
    const thief = await signUpOwner(testApp, 'Thief');
    await victim.client.put(workspaceKeysUrl(victim.workspaceId, 'anthropic'), { apiKey: anthropicKey });
    await thief.client.put(workspaceKeysUrl(thief.workspaceId, 'anthropic'), {
      apiKey: openaiKey.replace('sk-proj-', 'sk-ant-'),
    });
    // The victim's sealed value, moved into the thief's row (a database-level copy).
    const [sealed] = await testApp.database.db
      .select({ ciphertext: llmKeys.ciphertext })
      .from(llmKeys)
      .where(and(eq(llmKeys.workspaceId, victim.workspaceId), eq(llmKeys.provider, 'anthropic')));
    await testApp.database.db
      .update(llmKeys)
      .set({ ciphertext: sealed!.ciphertext })
      .where(and(eq(llmKeys.workspaceId, thief.workspaceId), eq(llmKeys.provider, 'anthropic')));

    const tested = await thief.client.post(`${workspaceKeysUrl(thief.workspaceId, 'anthropic')}/test`, {});
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ ok: false, lastError: { code: 'unknown' } });
    expect(tested.json().lastError.message).toMatch(/cannot be opened/);
    const row = (await thief.client.get(workspaceKeysUrl(thief.workspaceId))).json().keys[0];
    expect(row.status).toBe('error');
    expect(row.lastError.message).toMatch(/cannot be opened/);
    expect(tested.body).not.toContain(anthropicKey);

    const chatbot = (
      await thief.client.post(`/api/workspaces/${thief.workspaceId}/chatbots`, { name: 'Bot' })
    ).json();
    const visitor = await startVisitor(testApp.app, chatbot.publicId);
    const reply = await sendVisitorMessage(testApp.app, visitor, 'Hello?');
    expect(reply.response.statusCode).toBe(200);
    expect(reply.final?.event).toBe('error');
    expect(JSON.stringify(reply.events)).not.toContain(anthropicKey);
  });
});
