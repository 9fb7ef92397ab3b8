/**
 * Provider clients built from configuration: the base URL of each provider comes from its *_BASE_URL
 * variable, the key from the caller (a workspace's opened key or the platform key).
 */
import type { Config } from '../config.js';
import type { ProviderId } from '../db/schema.js';
import { baseUrlOf } from './provider-catalog.js';
import { createProvider } from './providers/provider-registry.js';
import type { LlmProvider } from './providers/provider-types.js';

export interface ProviderClientInput {
  config: Readonly<Config>;
  provider: ProviderId;
  apiKey: string;
  fetch?: typeof fetch;
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

/** A live check of a key against `{root}/models`; rejects with the provider's mapped error. */
export function checkProviderKey(input: ProviderClientInput): Promise<void> {
  return createProviderClient(input).checkKey();
}
