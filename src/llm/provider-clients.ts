/**
 * Provider clients built from configuration: the base URL of each provider comes from the variable the
 * provider table names for it, the key from the caller (a scope's opened key or the platform key).
 */
import type { Config } from '../config.js';
import { providerEntry, type ProviderId } from './provider-table.js';
import { createProvider } from './providers/provider-registry.js';
import type { LlmProvider } from './providers/provider-types.js';

export interface ProviderClientInput {
  config: Readonly<Config>;
  provider: ProviderId;
  apiKey: string;
  fetch?: typeof fetch;
}

/** The provider's API root from its `*_BASE_URL` variable, without a trailing slash. */
export function baseUrlOf(config: Readonly<Config>, provider: ProviderId): string {
  return config[providerEntry(provider).baseUrlVariable].replace(/\/+$/, '');
}

export function createProviderClient(input: ProviderClientInput): LlmProvider {
  const { config } = input;
  return createProvider(input.provider, {
    baseURL: baseUrlOf(config, input.provider),
    apiKey: input.apiKey,
    fetch: input.fetch,
    timeouts: {
      connectMs: config.PROVIDER_CONNECT_TIMEOUT_MS,
      firstTokenMs: config.PROVIDER_FIRST_TOKEN_TIMEOUT_MS,
      idleMs: config.PROVIDER_IDLE_TIMEOUT_MS,
    },
  });
}

/** A live check of a key against `{root}/models`: the models it may use, or the provider's mapped error. */
export function listProviderModels(input: ProviderClientInput): Promise<string[]> {
  return createProviderClient(input).listModels();
}
