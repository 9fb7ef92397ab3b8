import { describe, expect, it } from 'vitest';
import { createProvider, providerDefaults } from './provider-registry.js';

describe('provider registry', () => {
  it('builds an adapter for every provider, each with its id', () => {
    for (const id of ['anthropic', 'openai', 'groq', 'deepseek'] as const) {
      expect(createProvider(id, { baseURL: providerDefaults[id].baseURL, apiKey: 'k' }).id).toBe(id);
    }
  });

  it('knows the documented defaults', () => {
    expect(providerDefaults).toEqual({
      anthropic: {
        model: 'claude-haiku-4-5',
        baseURL: 'https://api.anthropic.com/v1',
        envVar: 'ANTHROPIC_BASE_URL',
      },
      openai: { model: 'gpt-4o-mini', baseURL: 'https://api.openai.com/v1', envVar: 'OPENAI_BASE_URL' },
      groq: {
        model: 'llama-3.1-70b-versatile',
        baseURL: 'https://api.groq.com/openai/v1',
        envVar: 'GROQ_BASE_URL',
      },
      deepseek: {
        model: 'deepseek-chat',
        baseURL: 'https://api.deepseek.com/v1',
        envVar: 'DEEPSEEK_BASE_URL',
      },
    });
  });
});
