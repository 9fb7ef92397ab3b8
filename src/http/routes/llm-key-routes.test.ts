import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmKeys } from '../../db/schema.js';
import { sendVisitorMessage, startVisitor } from '../../../test/support/widget-client.js';
import {
  addMember,
  signUpOwner,
  startTestApp,
  TestClient,
  type TestApp,
} from '../../../test/support/test-app.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

const anthropicKey = 'sk-ant-api03-' + 'a'.repeat(40) + 'WXYZ';
const openaiKey = 'sk-proj-' + 'b'.repeat(40) + 'abcd';

function keysUrl(workspaceId: string, provider = '') {
  return `/api/workspaces/${workspaceId}/llm-keys${provider ? `/${provider}` : ''}`;
}

describe('adding, listing and changing keys', () => {
  it('adds a key, shows only its mask, and uses it as the active provider', async () => {
    const owner = await signUpOwner(testApp);
    const empty = (await owner.client.get(keysUrl(owner.workspaceId))).json();
    expect(empty).toEqual({
      keys: [],
      defaults: {
        anthropic: 'claude-haiku-4-5',
        openai: 'gpt-4o-mini',
        groq: 'llama-3.1-70b-versatile',
        deepseek: 'deepseek-chat',
      },
      activeProvider: 'platform',
    });

    const saved = await owner.client.put(keysUrl(owner.workspaceId, 'anthropic'), {
      apiKey: anthropicKey,
      model: 'claude-sonnet-4-5',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      provider: 'anthropic',
      maskedKey: 'sk-...WXYZ',
      model: 'claude-sonnet-4-5',
      effectiveModel: 'claude-sonnet-4-5',
      enabled: true,
      status: 'unused',
      lastUsedAt: null,
      lastError: null,
    });
    expect(saved.body).not.toContain(anthropicKey);

    await owner.client.put(keysUrl(owner.workspaceId, 'openai'), { apiKey: openaiKey });
    const listed = (await owner.client.get(keysUrl(owner.workspaceId))).json();
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

  it('replaces a key keeping enabled and the override, disables, enables, changes the model and deletes', async () => {
    const owner = await signUpOwner(testApp);
    const url = keysUrl(owner.workspaceId, 'openai');
    await owner.client.put(url, { apiKey: openaiKey, model: 'gpt-4o' });
    expect((await owner.client.patch(url, { enabled: false })).json()).toMatchObject({
      enabled: false,
      status: 'disabled',
    });
    expect((await owner.client.get(keysUrl(owner.workspaceId))).json().activeProvider).toBe('platform');

    const replaced = await owner.client.put(url, { apiKey: 'sk-proj-' + 'c'.repeat(30) + 'NEW1' });
    expect(replaced.json()).toMatchObject({ maskedKey: 'sk-...NEW1', model: 'gpt-4o', enabled: false });

    expect((await owner.client.patch(url, { enabled: true })).json()).toMatchObject({
      enabled: true,
      status: 'unused',
    });
    expect((await owner.client.patch(url, { model: '' })).json()).toMatchObject({
      model: null,
      effectiveModel: 'gpt-4o-mini',
    });
    expect((await owner.client.patch(url, { model: 'gpt-4.1' })).json()).toMatchObject({ model: 'gpt-4.1' });

    expect((await owner.client.delete(url)).statusCode).toBe(204);
    expect((await owner.client.get(keysUrl(owner.workspaceId))).json().keys).toEqual([]);
    expect((await owner.client.delete(url)).statusCode).toBe(404);
    expect((await owner.client.patch(url, { enabled: true })).statusCode).toBe(404);
  });

  it('writes one audit entry per change, with provider and mask only', async () => {
    const owner = await signUpOwner(testApp);
    const url = keysUrl(owner.workspaceId, 'groq');
    const first = 'gsk_' + 'd'.repeat(40) + 'G001';
    const second = 'gsk_' + 'e'.repeat(40) + 'G002';
    await owner.client.put(url, { apiKey: first });
    await owner.client.put(url, { apiKey: second });
    await owner.client.patch(url, { enabled: false });
    await owner.client.patch(url, { enabled: true });
    await owner.client.patch(url, { model: 'llama-3.3-70b-versatile' });
    await owner.client.delete(url);

    const audit = await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit-log`);
    expect(audit.statusCode).toBe(200);
    const entries = audit.json().entries as Array<{
      action: string;
      provider: string;
      maskedKey: string;
      actor: { email: string };
    }>;
    expect(entries.map((entry) => [entry.action, entry.provider, entry.maskedKey])).toEqual([
      ['llm_key.deleted', 'groq', 'gsk_...G002'],
      ['llm_key.model_changed', 'groq', 'gsk_...G002'],
      ['llm_key.enabled', 'groq', 'gsk_...G002'],
      ['llm_key.disabled', 'groq', 'gsk_...G002'],
      ['llm_key.replaced', 'groq', 'gsk_...G002'],
      ['llm_key.added', 'groq', 'gsk_...G001'],
    ]);
    expect(entries.every((entry) => entry.actor.email === owner.email)).toBe(true);
    expect(audit.body).not.toContain(first);
    expect(audit.body).not.toContain(second);

    const page = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit-log?limit=4`)).json();
    expect(page.entries).toHaveLength(4);
    const rest = (
      await owner.client.get(
        `/api/workspaces/${owner.workspaceId}/audit-log?limit=4&cursor=${page.nextCursor}`,
      )
    ).json();
    expect(rest.entries.map((entry: { action: string }) => entry.action)).toEqual([
      'llm_key.replaced',
      'llm_key.added',
    ]);
    expect(rest.nextCursor).toBeNull();
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
    const response = await owner.client.put(keysUrl(owner.workspaceId, 'openai'), { apiKey });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ field: 'apiKey' })]);
    expect(response.body).not.toContain(apiKey);
    expect(testApp.logLines.join('\n')).not.toContain(apiKey);
  });

  it('rejects an unknown provider, a non-string key and a bad model', async () => {
    const owner = await signUpOwner(testApp);
    expect(
      (await owner.client.put(keysUrl(owner.workspaceId, 'mistral'), { apiKey: openaiKey })).statusCode,
    ).toBe(400);
    expect(
      (await owner.client.put(keysUrl(owner.workspaceId, 'openai'), { apiKey: 12345678 })).statusCode,
    ).toBe(400);
    expect(
      (
        await owner.client.put(keysUrl(owner.workspaceId, 'openai'), {
          apiKey: openaiKey,
          model: 'gpt 4<script>',
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await owner.client.patch(keysUrl(owner.workspaceId, 'openai'), { enabled: 'yes' })).statusCode,
    ).toBe(400);
  });
});

describe('who may do what', () => {
  type Role = 'owner' | 'admin' | 'viewer' | 'support';
  const roles: Role[] = ['owner', 'admin', 'viewer', 'support'];

  it('lets every member read masks, and only the owner change or test keys', async () => {
    const owner = await signUpOwner(testApp);
    const members: Record<Role, TestClient> = {
      owner: owner.client,
      admin: (await addMember(testApp, owner, 'admin')).client,
      viewer: (await addMember(testApp, owner, 'viewer')).client,
      support: (await addMember(testApp, owner, 'support')).client,
    };
    await owner.client.put(keysUrl(owner.workspaceId, 'anthropic'), { apiKey: anthropicKey });
    for (const role of roles) {
      const client = members[role];
      const list = await client.get(keysUrl(owner.workspaceId));
      expect(list.statusCode).toBe(200);
      expect(list.json().keys[0].maskedKey).toBe('sk-...WXYZ');
      if (role === 'owner') continue;
      const attempts = [
        await client.put(keysUrl(owner.workspaceId, 'openai'), { apiKey: openaiKey }),
        await client.patch(keysUrl(owner.workspaceId, 'anthropic'), { enabled: false }),
        await client.delete(keysUrl(owner.workspaceId, 'anthropic')),
        await client.post(`${keysUrl(owner.workspaceId, 'anthropic')}/test`),
      ];
      expect({ role, statuses: attempts.map((attempt) => attempt.statusCode) }).toEqual({
        role,
        statuses: [403, 403, 403, 403],
      });
    }
    const audit = (i: Role) => members[i].get(`/api/workspaces/${owner.workspaceId}/audit-log`);
    expect((await audit('owner')).statusCode).toBe(200);
    expect((await audit('admin')).statusCode).toBe(200);
    expect((await audit('viewer')).statusCode).toBe(403);
    expect((await audit('support')).statusCode).toBe(403);
    // Nothing changed.
    const after = (await owner.client.get(keysUrl(owner.workspaceId))).json();
    expect(
      after.keys.map((key: { provider: string; enabled: boolean }) => [key.provider, key.enabled]),
    ).toEqual([['anthropic', true]]);
  });

  it('answers 404 to another workspace and 401 when signed out', async () => {
    const owner = await signUpOwner(testApp);
    await owner.client.put(keysUrl(owner.workspaceId, 'anthropic'), { apiKey: anthropicKey });
    const stranger = await signUpOwner(testApp, 'Stranger');
    for (const response of [
      await stranger.client.get(keysUrl(owner.workspaceId)),
      await stranger.client.put(keysUrl(owner.workspaceId, 'openai'), { apiKey: openaiKey }),
      await stranger.client.patch(keysUrl(owner.workspaceId, 'anthropic'), { enabled: false }),
      await stranger.client.delete(keysUrl(owner.workspaceId, 'anthropic')),
      await stranger.client.post(`${keysUrl(owner.workspaceId, 'anthropic')}/test`),
      await stranger.client.get(`/api/workspaces/${owner.workspaceId}/audit-log`),
    ]) {
      expect(response.statusCode).toBe(404);
    }
    const anonymous = new TestClient(testApp);
    expect((await anonymous.get(keysUrl(owner.workspaceId))).statusCode).toBe(401);
    expect(
      (await anonymous.put(keysUrl(owner.workspaceId, 'openai'), { apiKey: openaiKey })).statusCode,
    ).toBe(401);
  });
});

describe('a stored key that cannot be opened', () => {
  it('answers Test with ok:false and marks the row, and the visitor gets the friendly error: never a 500', async () => {
    const victim = await signUpOwner(testApp, 'Victim');
    const thief = await signUpOwner(testApp, 'Thief');
    await victim.client.put(keysUrl(victim.workspaceId, 'anthropic'), { apiKey: anthropicKey });
    await thief.client.put(keysUrl(thief.workspaceId, 'anthropic'), {
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

    const tested = await thief.client.post(`${keysUrl(thief.workspaceId, 'anthropic')}/test`, {});
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ ok: false, lastError: { code: 'unknown' } });
    expect(tested.json().lastError.message).toMatch(/cannot be opened/);
    const row = (await thief.client.get(keysUrl(thief.workspaceId))).json().keys[0];
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
