/**
 * Secret rotation: re-wraps every stored key's data key under the current BESTAI_SECRET, in batches,
 * while servers keep running. Each row is updated on its own and only if unchanged since it was read,
 * so an interrupted run loses nothing and a re-run picks up where it stopped.
 */
import { and, eq, ne } from 'drizzle-orm';
import { assertSecretsOpenStoredKeys, resealCheckValue } from '../../boot/vault-check.js';
import type { Database } from '../../db/connect.js';
import { llmKeys } from '../../db/schema.js';
import { rewrapProviderKey, type Keyring } from '../../vault/index.js';

export interface RotationProgress {
  rewrapped: number;
  /** Rows still under an old secret when the run stopped (0 when complete). */
  remaining: number;
}

export async function rotateSecret(
  db: Database,
  keyring: Keyring,
  options: { batchSize?: number; maxBatches?: number; onBatch?: (progress: RotationProgress) => void } = {},
): Promise<RotationProgress> {
  // The same check as at boot, first: a mistyped secret must not get as far as resealing the check value
  // under itself (which it would do at once on a database holding no key yet).
  await assertSecretsOpenStoredKeys(db, keyring);
  const batchSize = options.batchSize ?? 100;
  let rewrapped = 0;
  for (let batch = 0; batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch += 1) {
    const rows = await db
      .select({
        workspaceId: llmKeys.workspaceId,
        provider: llmKeys.provider,
        ciphertext: llmKeys.ciphertext,
      })
      .from(llmKeys)
      .where(ne(llmKeys.secretId, keyring.currentSecretId))
      .limit(batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      const sealed = rewrapProviderKey(keyring, row.ciphertext);
      const updated = await db
        .update(llmKeys)
        .set({ ciphertext: sealed.ciphertext, secretId: sealed.secretId })
        .where(
          and(
            eq(llmKeys.workspaceId, row.workspaceId),
            eq(llmKeys.provider, row.provider),
            // Replaced meanwhile by a new key (already under the current secret): leave it alone.
            eq(llmKeys.ciphertext, row.ciphertext),
          ),
        )
        .returning({ provider: llmKeys.provider });
      rewrapped += updated.length;
    }
    options.onBatch?.({ rewrapped, remaining: await countRemaining(db, keyring) });
  }
  const remaining = await countRemaining(db, keyring);
  if (remaining === 0) await resealCheckValue(db, keyring);
  return { rewrapped, remaining };
}

async function countRemaining(db: Database, keyring: Keyring): Promise<number> {
  const rows = await db
    .select({ provider: llmKeys.provider })
    .from(llmKeys)
    .where(ne(llmKeys.secretId, keyring.currentSecretId));
  return rows.length;
}
