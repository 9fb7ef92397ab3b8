/**
 * "Last used" and "last error" of a workspace key. Provider text is scrubbed of key material before it
 * is stored (some providers echo the key in their error bodies) and capped in length.
 */
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/connect.js';
import { preparedPerDatabase } from '../../db/prepared-statement.js';
import { llmKeys, type ProviderId } from '../../db/schema.js';
import { scrubKeyMaterial } from '../../vault/index.js';
import type { ProviderError, ProviderErrorCode } from '../providers/provider-error.js';

/** How stale `lastUsedAt` may get: written at most this often per key, not on every message. */
export const LAST_USED_WRITE_INTERVAL_MS = 5_000;
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

export async function recordKeyFailure(
  db: Database,
  target: { workspaceId: string; provider: ProviderId },
  failure: { code: ProviderErrorCode; message: string },
  now = new Date(),
): Promise<void> {
  await db
    .update(llmKeys)
    .set({ lastErrorCode: failure.code, lastErrorMessage: failure.message, lastErrorAt: now })
    .where(and(eq(llmKeys.workspaceId, target.workspaceId), eq(llmKeys.provider, target.provider)));
}

/**
 * A successful use: moves `lastUsedAt` and clears the last error. To keep the hot path cheap, the row is
 * written only when it has an error to clear or its `lastUsedAt` is older than the write interval.
 */
export async function recordKeySuccess(
  db: Database,
  target: { workspaceId: string; provider: ProviderId },
  now = new Date(),
): Promise<void> {
  await updateLastUsed(db).execute({
    workspaceId: target.workspaceId,
    provider: target.provider,
    now,
    staleBefore: new Date(now.getTime() - LAST_USED_WRITE_INTERVAL_MS),
  });
}

const updateLastUsed = preparedPerDatabase((db) =>
  db
    .update(llmKeys)
    .set({
      lastUsedAt: sql`${sql.placeholder('now')}::timestamptz`,
      lastErrorCode: null,
      lastErrorMessage: null,
      lastErrorAt: null,
    })
    .where(
      and(
        eq(llmKeys.workspaceId, sql.placeholder('workspaceId')),
        eq(llmKeys.provider, sql.placeholder('provider')),
        or(
          isNull(llmKeys.lastUsedAt),
          sql`${llmKeys.lastErrorCode} is not null`,
          sql`${llmKeys.lastUsedAt} < ${sql.placeholder('staleBefore')}::timestamptz`,
        ),
      ),
    )
    .prepare('bestai_key_last_used'),
);

/** A successful live check (Test): the key works, so its last error is cleared. */
export async function recordKeyVerified(
  db: Database,
  target: { workspaceId: string; provider: ProviderId },
  now = new Date(),
): Promise<void> {
  await db
    .update(llmKeys)
    .set({ lastVerifiedAt: now, lastErrorCode: null, lastErrorMessage: null, lastErrorAt: null })
    .where(and(eq(llmKeys.workspaceId, target.workspaceId), eq(llmKeys.provider, target.provider)));
}
