/**
 * The four providers BestAI speaks to: display names, default models, and where their API lives
 * (from the *_BASE_URL variables). The platform default is Anthropic.
 */
import type { Config } from '../config.js';
import { providerIds, type ProviderId } from '../db/schema.js';
import { providerDefaults } from './providers/provider-registry.js';

export { providerIds, type ProviderId };

const defaultModels = Object.fromEntries(
  providerIds.map((provider) => [provider, providerDefaults[provider].model]),
) as Record<ProviderId, string>;

export const providerDisplayNames: Record<ProviderId, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  groq: 'Groq',
  deepseek: 'DeepSeek',
};

export const platformProvider = { provider: 'anthropic', model: defaultModels.anthropic } as const;

export function defaultModelOf(provider: ProviderId): string {
  return defaultModels[provider];
}

export function listDefaultModels(): Record<ProviderId, string> {
  return { ...defaultModels };
}

export function baseUrlOf(config: Readonly<Config>, provider: ProviderId): string {
  const byProvider: Record<ProviderId, string> = {
    anthropic: config.ANTHROPIC_BASE_URL,
    openai: config.OPENAI_BASE_URL,
    groq: config.GROQ_BASE_URL,
    deepseek: config.DEEPSEEK_BASE_URL,
  };
  return byProvider[provider].replace(/\/+$/, '');
}
