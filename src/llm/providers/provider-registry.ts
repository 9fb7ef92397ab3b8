/**
 * Which adapter speaks for which provider: the provider table names the wire format; the OpenAI Chat
 * Completions family adds each provider's quirks (where it reports usage, how it words some errors).
 */
import { providerEntry, type ProviderEntry } from '../provider-table.js';
import { createAnthropicProvider } from './anthropic-provider.js';
import { deepSeekConfig } from './deepseek-config.js';
import { groqConfig } from './groq-config.js';
import { createOpenAICompatibleProvider, type OpenAICompatibleConfig } from './openai-compatible-provider.js';
import { openAIConfig } from './openai-config.js';
import type { LlmProvider, ProviderId, ProviderOptions } from './provider-types.js';

type OpenAICompatibleId = Extract<ProviderEntry, { wireFormat: 'openai-chat-completions' }>['id'];

const openAICompatibleConfigs: Record<OpenAICompatibleId, OpenAICompatibleConfig> = {
  openai: openAIConfig,
  groq: groqConfig,
  deepseek: deepSeekConfig,
};

/** Builds the adapter for `id` with a key and an API root. */
export function createProvider(id: ProviderId, options: ProviderOptions): LlmProvider {
  const entry = providerEntry(id);
  if (entry.wireFormat === 'anthropic-messages') return createAnthropicProvider(options);
  return createOpenAICompatibleProvider(openAICompatibleConfigs[entry.id], options);
}
