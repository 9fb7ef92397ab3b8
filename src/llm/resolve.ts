/**
 * Which key answers a message (contract: "Which provider answers"). Resolved once, when a message starts,
 * from what is stored at that moment — so a reply in flight keeps its key, the next message sees a
 * replacement, on every instance. Never a silent swap to the platform key or another provider.
 */
import type { Config } from '../config.js';
import type { ProviderId } from '../db/schema.js';
import { openProviderKey, type Keyring } from '../vault/index.js';
import { chooseActiveRow } from './keys/llm-key-view.js';
import { defaultModelOf, platformProvider } from './provider-catalog.js';

export interface ResolvedProvider {
  source: 'platform' | 'workspace';
  provider: ProviderId;
  model: string;
  apiKey: string;
  /** The workspace key's mask; null for the platform key. */
  maskedKey: string | null;
  /** Its monthly budget is used up: using it fails at once with `budget_exhausted`, no provider call. */
  isPaused: boolean;
}

/** The platform has no key of its own configured; the workspace has no enabled key either. */
export class PlatformKeyMissingError extends Error {
  override name = 'PlatformKeyMissingError';
  constructor() {
    super('PLATFORM_ANTHROPIC_API_KEY is not set and the workspace has no enabled key of its own.');
  }
}

/** What resolution needs of a workspace's stored key rows. */
export interface WorkspaceKeyRow {
  provider: ProviderId;
  enabled: boolean;
  ciphertext: string;
  model: string | null;
  maskedKey: string;
  /** Its monthly budget is used up (it stays a candidate; using it fails with `budget_exhausted`). */
  isPaused?: boolean;
}

/** Chooses and opens the key for a message from the workspace's key rows, read when the message started. */
export function resolveProvider(
  keyRows: readonly WorkspaceKeyRow[],
  keyring: Keyring,
  config: Readonly<Config>,
  workspaceId: string,
): ResolvedProvider {
  const active = chooseActiveRow(keyRows);
  if (!active) {
    if (!config.PLATFORM_ANTHROPIC_API_KEY) throw new PlatformKeyMissingError();
    return {
      source: 'platform',
      ...platformProvider,
      apiKey: config.PLATFORM_ANTHROPIC_API_KEY,
      maskedKey: null,
      isPaused: false,
    };
  }
  return {
    source: 'workspace',
    provider: active.provider,
    model: active.model ?? defaultModelOf(active.provider),
    apiKey: openProviderKey(keyring, active.ciphertext, { workspaceId, provider: active.provider }),
    maskedKey: active.maskedKey,
    isPaused: active.isPaused ?? false,
  };
}
