/**
 * Which key answers a message (contract: "Which provider answers"). Resolved once, when a message starts,
 * from what is stored at that moment — so a reply in flight keeps its key, the next message sees a
 * replacement, on every instance. Never a silent swap to the platform key or another provider.
 */
import { eq, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { preparedPerDatabase } from '../db/prepared-statement.js';
import { llmKeys, type ProviderId } from '../db/schema.js';
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
}

/** The platform has no key of its own configured; the workspace has no enabled key either. */
export class PlatformKeyMissingError extends Error {
  override name = 'PlatformKeyMissingError';
  constructor() {
    super('PLATFORM_ANTHROPIC_API_KEY is not set and the workspace has no enabled key of its own.');
  }
}

const selectWorkspaceKeys = preparedPerDatabase((db) =>
  db
    .select({
      provider: llmKeys.provider,
      enabled: llmKeys.enabled,
      ciphertext: llmKeys.ciphertext,
      model: llmKeys.model,
      maskedKey: llmKeys.maskedKey,
    })
    .from(llmKeys)
    .where(eq(llmKeys.workspaceId, sql.placeholder('workspaceId')))
    .prepare('bestai_workspace_keys'),
);

export async function resolveProvider(
  db: Database,
  keyring: Keyring,
  config: Readonly<Config>,
  workspaceId: string,
): Promise<ResolvedProvider> {
  const rows = await selectWorkspaceKeys(db).execute({ workspaceId });
  const active = chooseActiveRow(rows);
  if (!active) {
    if (!config.PLATFORM_ANTHROPIC_API_KEY) throw new PlatformKeyMissingError();
    return {
      source: 'platform',
      ...platformProvider,
      apiKey: config.PLATFORM_ANTHROPIC_API_KEY,
      maskedKey: null,
    };
  }
  return {
    source: 'workspace',
    provider: active.provider,
    model: active.model ?? defaultModelOf(active.provider),
    apiKey: openProviderKey(keyring, active.ciphertext, { workspaceId, provider: active.provider }),
    maskedKey: active.maskedKey,
  };
}
