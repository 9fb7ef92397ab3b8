import { describe, expect, it } from 'vitest';
import { providerIds, providerTable } from '../provider-table.js';
import { createProvider } from './provider-registry.js';

describe('provider registry', () => {
  it('builds an adapter for every provider of the table, each with its id', () => {
    for (const entry of providerTable) {
      expect(createProvider(entry.id, { baseURL: entry.defaultBaseUrl, apiKey: 'k' }).id).toBe(entry.id);
    }
  });

  it('knows the documented providers, defaults and order', () => {
    expect(providerIds).toEqual(['anthropic', 'openai', 'groq', 'deepseek']);
    expect(providerTable.map((entry) => [entry.name, entry.defaultModel, entry.baseUrlVariable])).toEqual([
      ['Anthropic', 'claude-haiku-4-5', 'ANTHROPIC_BASE_URL'],
      ['OpenAI', 'gpt-4o-mini', 'OPENAI_BASE_URL'],
      ['Groq', 'llama-3.1-70b-versatile', 'GROQ_BASE_URL'],
      ['DeepSeek', 'deepseek-chat', 'DEEPSEEK_BASE_URL'],
    ]);
    expect(providerTable.map((entry) => entry.defaultBaseUrl)).toEqual([
      'https://api.anthropic.com/v1',
      'https://api.openai.com/v1',
      'https://api.groq.com/openai/v1',
      'https://api.deepseek.com/v1',
    ]);
  });
});
