/** Runs on the embedded database, and on PostgreSQL when TEST_DATABASE_URL is set. */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { llmKeys, vaultCheck, workspaces, type ProviderId } from '../db/schema.js';
import { openStoredKey, saveLlmKey } from '../llm/keys/llm-key-service.js';
import { createKeyring, generateSecret, rewrapProviderKey, type Keyring } from '../vault/index.js';
import { BootError } from './boot-error.js';
import { assertSecretsOpenStoredKeys, resealCheckValue } from './vault-check.js';
import { acceptEveryKey } from '../../test/support/accept-every-key.js';

const secretA = generateSecret();
const secretB = generateSecret();
const onlyA = createKeyring({ currentSecret: secretA });
const onlyB = createKeyring({ currentSecret: secretB });
const rotating = createKeyring({ currentSecret: secretB, previousSecrets: [secretA] });
const actor = { userId: randomUUID(), email: 'owner@example.com' };

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.dispose();
});
// One database per file (a fresh PGlite costs seconds); every test starts as if on a new install.
beforeEach(async () => {
  await database.db.delete(vaultCheck);
  await database.db.delete(llmKeys);
});

/** A workspace with one key per listed provider, saved under `keyring`. Returns the plaintext keys. */
async function seedWorkspace(keyring: Keyring, providers: ProviderId[] = ['anthropic', 'openai']) {
  const workspaceId = randomUUID();
  await database.db.insert(workspaces).values({ id: workspaceId, name: 'Acme' });
  const keys = new Map<ProviderId, string>();
  for (const provider of providers) {
    const apiKey = `sk-${provider}-${randomUUID()}`;
    await saveLlmKey(
      database.db,
      keyring,
      { workspaceId, chatbotId: null, provider, apiKey },
      actor,
      acceptEveryKey,
    );
    keys.set(provider, apiKey);
  }
  return { workspaceId, keys };
}

async function refusal(keyring: Keyring): Promise<BootError> {
  const error: unknown = await assertSecretsOpenStoredKeys(database.db, keyring).then(
    () => new Error('the boot check passed'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BootError);
  return error as BootError;
}

const wrongSecretSentence =
  'BESTAI_SECRET cannot open the provider keys stored in this database: set BESTAI_SECRET to the secret they were saved with, or list it in BESTAI_PREVIOUS_SECRETS.';

describe('assertSecretsOpenStoredKeys', () => {
  it('seals a check value at the first start and accepts the same secret afterwards', async () => {
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    const [row] = await database.db.select().from(vaultCheck);
    expect(row!.secretId).toBe(onlyA.currentSecretId);
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    expect(await database.db.select().from(vaultCheck)).toHaveLength(1);
  });

  it('refuses another secret, in one sentence naming both variables and no secret', async () => {
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    await seedWorkspace(onlyA);
    const error = await refusal(onlyB);
    expect(error.message).toBe(wrongSecretSentence);
    expect(error.message).not.toContain(secretA);
    expect(error.message).not.toContain(secretB);
  });

  it('refuses another secret even when no key is stored yet', async () => {
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    expect((await refusal(onlyB)).message).toBe(wrongSecretSentence);
  });

  it('starts with the new secret current and the old one previous, and every key opens', async () => {
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    const { workspaceId, keys } = await seedWorkspace(onlyA);
    await assertSecretsOpenStoredKeys(database.db, rotating);
    for (const [provider, apiKey] of keys) {
      expect(await openStoredKey(database.db, rotating, { workspaceId, chatbotId: null, provider })).toBe(
        apiKey,
      );
    }
  });

  it('refuses when stored keys carry a secret the keyring does not hold, even if the check value opens', async () => {
    // The check value was sealed under B, but a key under A was written meanwhile (an instance not restarted).
    await assertSecretsOpenStoredKeys(database.db, onlyB);
    await seedWorkspace(onlyA, ['groq']);
    const error = await refusal(onlyB);
    expect(error.message).toBe(
      'Some stored provider keys were saved under a secret that is neither BESTAI_SECRET nor in BESTAI_PREVIOUS_SECRETS (1 secret id(s)); add that secret to BESTAI_PREVIOUS_SECRETS.',
    );
    await assertSecretsOpenStoredKeys(database.db, rotating);
  });

  it('refuses a check value that was tampered with', async () => {
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    const [row] = await database.db.select().from(vaultCheck);
    const flipped = `${row!.checkValue.slice(0, -1)}${row!.checkValue.endsWith('A') ? 'B' : 'A'}`;
    await database.db.update(vaultCheck).set({ checkValue: flipped }).where(eq(vaultCheck.id, row!.id));
    expect((await refusal(onlyA)).message).toBe(wrongSecretSentence);
  });

  it('seals one check value when two instances start together on an empty database', async () => {
    await Promise.all([
      assertSecretsOpenStoredKeys(database.db, onlyA),
      assertSecretsOpenStoredKeys(database.db, onlyA),
    ]);
    expect(await database.db.select().from(vaultCheck)).toHaveLength(1);
  });
});

describe('resealCheckValue', () => {
  it('moves the check value to the current secret, after which the old secret alone is refused', async () => {
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    const { workspaceId } = await seedWorkspace(onlyA, ['deepseek']);
    // What a completed rotation does to the rows, then to the check value.
    const [row] = await database.db.select().from(llmKeys).where(eq(llmKeys.workspaceId, workspaceId));
    const sealed = rewrapProviderKey(rotating, row!.ciphertext);
    await database.db.update(llmKeys).set(sealed).where(eq(llmKeys.workspaceId, workspaceId));
    await resealCheckValue(database.db, rotating);

    const [check] = await database.db.select().from(vaultCheck);
    expect(check!.secretId).toBe(onlyB.currentSecretId);
    await assertSecretsOpenStoredKeys(database.db, onlyB);
    expect((await refusal(onlyA)).message).toBe(wrongSecretSentence);
  });
});
