/**
 * Which adapter speaks for which provider, and each provider's defaults (model, API root, and the
 * environment variable that overrides the root).
 */
import { createAnthropicProvider } from './anthropic-provider.js';
import { deepSeekConfig } from './deepseek-config.js';
import { groqConfig } from './groq-config.js';
import { createOpenAICompatibleProvider } from './openai-compatible-provider.js';
import { openAIConfig } from './openai-config.js';
import type { LlmProvider, ProviderId, ProviderOptions } from './provider-types.js';

export interface ProviderDefaults {
  model: string;
  baseURL: string;
  envVar: string;
}

export const providerDefaults: Readonly<Record<ProviderId, Readonly<ProviderDefaults>>> = Object.freeze({
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
  deepseek: { model: 'deepseek-chat', baseURL: 'https://api.deepseek.com/v1', envVar: 'DEEPSEEK_BASE_URL' },
});

/** Builds the adapter for `id` with a key and an API root. */
export function createProvider(id: ProviderId, options: ProviderOptions): LlmProvider {
  switch (id) {
    case 'anthropic':
      return createAnthropicProvider(options);
    case 'openai':
      return createOpenAICompatibleProvider(openAIConfig, options);
    case 'groq':
      return createOpenAICompatibleProvider(groqConfig, options);
    case 'deepseek':
      return createOpenAICompatibleProvider(deepSeekConfig, options);
  }
}
