/**
 * The last error of a scope's key, and its successful live checks ("last used" moves with each stored
 * reply, in `src/chat/reply-store.ts`). Provider text is scrubbed of key material before it
 * is stored (some providers echo the key in their error bodies) and capped in length.
 */
import type { Database } from '../../db/connect.js';
import { llmKeys } from '../../db/schema.js';
import { scrubKeyMaterial } from '../../vault/index.js';
import type { ProviderError, ProviderErrorCode } from '../providers/provider-error.js';
import { inScope, type KeyTarget } from './key-scope.js';
import { and, eq } from 'drizzle-orm';

const MAX_STORED_MESSAGE = 300;

/**
 * What the admin sees of a provider failure: our sentence, then the provider's own words with any key
 * material removed (some providers echo the key in their error bodies).
 */
export function describeProviderFailure(
  failure: Pick<ProviderError, 'message' | 'providerMessage'>,
  apiKey: string,
): string {
  if (!failure.providerMessage) return failure.message;
  const scrubbed = scrubKeyMaterial(failure.providerMessage, [apiKey]).replace(/\s+/g, ' ').trim();
  if (!scrubbed) return failure.message;
  const clipped =
    scrubbed.length > MAX_STORED_MESSAGE ? `${scrubbed.slice(0, MAX_STORED_MESSAGE)}…` : scrubbed;
  return `${failure.message} Provider said: ${clipped}`;
}

export const byKeyTarget = (target: KeyTarget) =>
  and(inScope(llmKeys, target), eq(llmKeys.provider, target.provider));

export async function recordKeyFailure(
  db: Database,
  target: KeyTarget,
  failure: { code: ProviderErrorCode; message: string },
  now = new Date(),
): Promise<void> {
  await db
    .update(llmKeys)
    .set({ lastErrorCode: failure.code, lastErrorMessage: failure.message, lastErrorAt: now })
    .where(byKeyTarget(target));
}

/** A successful live check (Test): the key works, so its last error is cleared. */
export async function recordKeyVerified(db: Database, target: KeyTarget, now = new Date()): Promise<void> {
  await db
    .update(llmKeys)
    .set({ lastVerifiedAt: now, lastErrorCode: null, lastErrorMessage: null, lastErrorAt: null })
    .where(byKeyTarget(target));
}
