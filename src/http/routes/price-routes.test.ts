import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPrices } from '../../money/default-prices.js';
import { addMember, signUpOwner, startTestApp, type TestApp } from '../../../test/support/test-app.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

interface PriceRow {
  provider: string;
  model: string;
  inputPerMTok: string;
  outputPerMTok: string;
  cacheReadPerMTok: string | null;
  cacheWritePerMTok: string | null;
  source: 'default' | 'workspace';
  asOf: string;
}

const find = (prices: PriceRow[], provider: string, model: string) =>
  prices.find((price) => price.provider === provider && price.model === model);

describe('prices', () => {
  it('lists the shipped price of every default model, each with a date and a source', async () => {
    const owner = await signUpOwner(testApp);
    const response = await owner.client.get(`/api/workspaces/${owner.workspaceId}/prices`);
    expect(response.statusCode).toBe(200);
    const { prices, unknownModels } = response.json() as { prices: PriceRow[]; unknownModels: unknown[] };
    expect(prices).toHaveLength(defaultPrices.length);
    for (const [provider, model] of [
      ['anthropic', 'claude-haiku-4-5'],
      ['openai', 'gpt-4o-mini'],
      ['groq', 'llama-3.1-70b-versatile'],
      ['deepseek', 'deepseek-chat'],
    ]) {
      expect(find(prices, provider!, model!)).toMatchObject({
        source: 'default',
        asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
    }
    expect(find(prices, 'openai', 'gpt-4o-mini')).toMatchObject({
      inputPerMTok: '0.15',
      outputPerMTok: '0.60',
      cacheReadPerMTok: '0.075',
    });
    expect(unknownModels).toEqual([]);
  });

  it('sets a workspace price over the default, names models without a price, and goes back to the default', async () => {
    const owner = await signUpOwner(testApp);
    const url = `/api/workspaces/${owner.workspaceId}/prices`;
    // A key whose model BestAI has no price for.
    const keyed = await owner.client.put(`/api/workspaces/${owner.workspaceId}/llm-keys/openai`, {
      apiKey: 'sk-test-0000000000000000abcd',
      model: 'ft:gpt-4o-mini:acme',
      force: true,
    });
    expect([200, 201]).toContain(keyed.statusCode);
    expect((await owner.client.get(url)).json().unknownModels).toEqual([
      { provider: 'openai', model: 'ft:gpt-4o-mini:acme' },
    ]);

    const set = await owner.client.post(url, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputPerMTok: '0.100',
      outputPerMTok: '0.5',
    });
    expect(set.statusCode).toBe(200);
    const own = find(set.json().prices as PriceRow[], 'openai', 'gpt-4o-mini');
    expect(own).toMatchObject({
      source: 'workspace',
      inputPerMTok: '0.1',
      outputPerMTok: '0.5',
      cacheReadPerMTok: null,
      cacheWritePerMTok: null,
    });
    await owner.client.post(url, {
      provider: 'openai',
      model: 'ft:gpt-4o-mini:acme',
      inputPerMTok: '0.3',
      outputPerMTok: '1.2',
    });
    expect((await owner.client.get(url)).json().unknownModels).toEqual([]);

    const audit = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit-log`)).json()
      .entries as Array<{ action: string }>;
    expect(audit.filter((entry) => entry.action === 'price.set')).toHaveLength(2);

    const removed = await owner.client.delete(`${url}?provider=openai&model=gpt-4o-mini`);
    expect(removed.statusCode).toBe(204);
    expect(
      find((await owner.client.get(url)).json().prices as PriceRow[], 'openai', 'gpt-4o-mini'),
    ).toMatchObject({ source: 'default', inputPerMTok: '0.15' });
    expect((await owner.client.delete(`${url}?provider=openai&model=gpt-4o-mini`)).statusCode).toBe(404);
  });

  it.each([
    ['a float', { inputPerMTok: 0.15, outputPerMTok: '1' }, 'inputPerMTok'],
    ['a negative price', { inputPerMTok: '-1', outputPerMTok: '1' }, 'inputPerMTok'],
    ['an exponent', { inputPerMTok: '1e3', outputPerMTok: '1' }, 'inputPerMTok'],
    ['too many decimals', { inputPerMTok: '0.0000001', outputPerMTok: '1' }, 'inputPerMTok'],
    ['no output price', { inputPerMTok: '1' }, 'outputPerMTok'],
  ])('refuses %s with 400 naming the field', async (_name, body, field) => {
    const owner = await signUpOwner(testApp);
    const response = await owner.client.post(`/api/workspaces/${owner.workspaceId}/prices`, {
      provider: 'openai',
      model: 'gpt-4o',
      ...body,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field })]),
    );
  });

  it('lets every role read, only the owner write, and no one outside the workspace', async () => {
    const owner = await signUpOwner(testApp);
    const url = `/api/workspaces/${owner.workspaceId}/prices`;
    const price = { provider: 'groq', model: 'qwen/qwen3-32b', inputPerMTok: '1', outputPerMTok: '2' };
    for (const role of ['admin', 'viewer', 'support'] as const) {
      const member = await addMember(testApp, owner, role);
      expect((await member.client.get(url)).statusCode).toBe(200);
      expect((await member.client.post(url, price)).statusCode).toBe(403);
      expect((await member.client.delete(`${url}?provider=groq&model=qwen/qwen3-32b`)).statusCode).toBe(403);
    }
    const stranger = await signUpOwner(testApp);
    expect((await stranger.client.get(url)).statusCode).toBe(404);
    expect((await stranger.client.post(url, price)).statusCode).toBe(404);
  });
});
