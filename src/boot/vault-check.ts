/**
 * Boot safety: prove that the configured secrets open what the database holds, or refuse to start.
 * Never a half-working server that would send ciphertext, or nothing, to a provider.
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { llmKeys, vaultCheck } from '../db/schema.js';
import { createCheckValue, verifyCheckValue, type Keyring } from '../vault/index.js';
import { BootError } from './boot-error.js';

const CHECK_ROW_ID = 1;

export async function assertSecretsOpenStoredKeys(db: Database, keyring: Keyring): Promise<void> {
  const [row] = await db.select().from(vaultCheck).where(eq(vaultCheck.id, CHECK_ROW_ID)).limit(1);
  if (!row) {
    const created = createCheckValue(keyring);
    await db
      .insert(vaultCheck)
      .values({ id: CHECK_ROW_ID, ...created })
      .onConflictDoNothing();
    // Another instance may have won the race: verify whatever is stored now.
    return assertSecretsOpenStoredKeys(db, keyring);
  }
  if (!verifyCheckValue(keyring, row.checkValue)) {
    throw new BootError(
      'BESTAI_SECRET cannot open the provider keys stored in this database: set BESTAI_SECRET to the secret they were saved with, or list it in BESTAI_PREVIOUS_SECRETS.',
    );
  }
  const secretIds = await db.selectDistinct({ secretId: llmKeys.secretId }).from(llmKeys);
  const unknown = secretIds.filter(({ secretId }) => !keyring.secretIds.includes(secretId));
  if (unknown.length > 0) {
    throw new BootError(
      `Some stored provider keys were saved under a secret that is neither BESTAI_SECRET nor in BESTAI_PREVIOUS_SECRETS (${unknown.length} secret id(s)); add that secret to BESTAI_PREVIOUS_SECRETS.`,
    );
  }
}

/** Re-seals the check value under the current secret (after a rotation). */
export async function resealCheckValue(db: Database, keyring: Keyring): Promise<void> {
  const created = createCheckValue(keyring);
  await db
    .update(vaultCheck)
    .set({ ...created, updatedAt: sql`now()` })
    .where(eq(vaultCheck.id, CHECK_ROW_ID));
}
