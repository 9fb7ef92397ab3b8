import { describe, expect, it } from 'vitest';
import { activeProviderOf, planAnswer, type ScopeKeyRow } from './key-resolution.js';
import { defaultLlmSettings } from './llm-settings.js';

const row = (provider: ScopeKeyRow['provider'], overrides: Partial<ScopeKeyRow> = {}): ScopeKeyRow => ({
  provider,
  enabled: true,
  ciphertext: `v1.${provider}`,
  model: null,
  maskedKey: `sk-...${provider.slice(0, 4)}`,
  ...overrides,
});
const settings = (overrides: Partial<ReturnType<typeof defaultLlmSettings>> = {}) => ({
  ...defaultLlmSettings(),
  ...overrides,
});

describe('planning who answers', () => {
  it.each([
    {
      name: 'the default order',
      rows: [row('deepseek'), row('groq'), row('openai'), row('anthropic')],
      order: undefined,
      expected: ['anthropic', 'openai', 'groq', 'deepseek'],
    },
    {
      name: 'the scope order, with providers it does not name last',
      rows: [row('anthropic'), row('openai'), row('groq')],
      order: ['groq', 'anthropic', 'openai', 'deepseek'] as const,
      expected: ['groq', 'anthropic', 'openai'],
    },
    {
      name: 'disabled keys left out',
      rows: [row('anthropic', { enabled: false }), row('openai'), row('groq', { enabled: false })],
      order: undefined,
      expected: ['openai'],
    },
  ])('orders candidates: $name', ({ rows, order, expected }) => {
    const plan = planAnswer({
      rows,
      settings: settings(order ? { providerOrder: [...order] } : {}),
      source: 'workspace',
      hasPlatformKey: true,
    });
    expect(plan.kind === 'keys' && plan.candidates.map((candidate) => candidate.provider)).toEqual(expected);
    expect(activeProviderOf(plan)).toBe(expected[0]);
  });

  it('uses the model override or the provider default, and names the scope of each candidate', () => {
    const plan = planAnswer({
      rows: [row('openai', { model: 'gpt-4o' }), row('groq')],
      settings: settings(),
      source: 'chatbot',
      hasPlatformKey: false,
    });
    expect(plan).toEqual({
      kind: 'keys',
      candidates: [
        expect.objectContaining({ source: 'chatbot', provider: 'openai', model: 'gpt-4o', isPaused: false }),
        expect.objectContaining({ source: 'chatbot', provider: 'groq', model: 'llama-3.1-70b-versatile' }),
      ],
    });
  });

  it('keeps a paused key a candidate, so a paused scope is never answered by the platform key', () => {
    const plan = planAnswer({
      rows: [row('openai', { isPaused: true })],
      settings: settings(),
      source: 'workspace',
      hasPlatformKey: true,
    });
    expect(plan).toMatchObject({ kind: 'keys', candidates: [{ provider: 'openai', isPaused: true }] });
  });

  it.each([
    { usePlatformKey: true, hasPlatformKey: true, expected: 'platform' },
    { usePlatformKey: false, hasPlatformKey: true, expected: 'none' },
    { usePlatformKey: true, hasPlatformKey: false, expected: 'none' },
    { usePlatformKey: false, hasPlatformKey: false, expected: 'none' },
  ])(
    'without an enabled key: usePlatformKey $usePlatformKey, platform key on the server $hasPlatformKey → $expected',
    ({ usePlatformKey, hasPlatformKey, expected }) => {
      for (const rows of [[], [row('anthropic', { enabled: false })]]) {
        const plan = planAnswer({
          rows,
          settings: settings({ usePlatformKey }),
          source: 'workspace',
          hasPlatformKey,
        });
        expect(activeProviderOf(plan)).toBe(expected);
        if (expected === 'platform') {
          expect(plan).toEqual({ kind: 'platform', provider: 'anthropic', model: 'claude-haiku-4-5' });
        }
      }
    },
  );
});
