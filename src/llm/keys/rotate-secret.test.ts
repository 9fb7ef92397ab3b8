/** Runs on the embedded database, and on PostgreSQL when TEST_DATABASE_URL is set. */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { BootError } from '../../boot/boot-error.js';
import { assertSecretsOpenStoredKeys } from '../../boot/vault-check.js';
import type { Database } from '../../db/connect.js';
import { llmKeys, vaultCheck, workspaces, type ProviderId } from '../../db/schema.js';
import { createKeyring, generateSecret, type Keyring } from '../../vault/index.js';
import { openStoredKey, saveLlmKey, updateLlmKey } from './llm-key-service.js';
import { rotateSecret, type RotationProgress } from './rotate-secret.js';
import { acceptEveryKey } from '../../../test/support/accept-every-key.js';

const secretA = generateSecret();
const secretB = generateSecret();
const onlyA = createKeyring({ currentSecret: secretA });
const onlyB = createKeyring({ currentSecret: secretB });
const rotating = createKeyring({ currentSecret: secretB, previousSecrets: [secretA] });
const actor = { userId: randomUUID(), email: 'owner@example.com' };
const providers: ProviderId[] = ['anthropic', 'openai', 'groq', 'deepseek'];

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.dispose();
});
beforeEach(async () => {
  await database.db.delete(vaultCheck);
  await database.db.delete(llmKeys);
});

interface StoredKey {
  workspaceId: string;
  provider: ProviderId;
  apiKey: string;
}

/** A first start under A, then `count` keys saved under A across workspaces of up to four providers. */
async function seedUnderA(count: number): Promise<StoredKey[]> {
  await assertSecretsOpenStoredKeys(database.db, onlyA);
  const stored: StoredKey[] = [];
  let workspaceId = '';
  for (let index = 0; index < count; index += 1) {
    const provider = providers[index % providers.length]!;
    if (index % providers.length === 0) {
      workspaceId = randomUUID();
      await database.db.insert(workspaces).values({ id: workspaceId, name: `Workspace ${index}` });
    }
    const apiKey = `sk-${provider}-${randomUUID()}`;
    await saveLlmKey(
      database.db,
      onlyA,
      { workspaceId, chatbotId: null, provider, apiKey },
      actor,
      acceptEveryKey,
    );
    stored.push({ workspaceId, provider, apiKey });
  }
  return stored;
}

async function secretIdsOfRows(): Promise<string[]> {
  const rows = await database.db.select({ secretId: llmKeys.secretId }).from(llmKeys);
  return rows.map((row) => row.secretId);
}

async function expectAllOpen(keyring: Keyring, stored: StoredKey[]) {
  for (const { workspaceId, provider, apiKey } of stored) {
    expect(await openStoredKey(database.db, keyring, { workspaceId, chatbotId: null, provider })).toBe(
      apiKey,
    );
  }
}

describe('rotateSecret', () => {
  it('re-wraps in batches; an interrupted run loses nothing and a re-run completes', async () => {
    const stored = await seedUnderA(5);
    const progress: RotationProgress[] = [];

    const interrupted = await rotateSecret(database.db, rotating, {
      batchSize: 2,
      maxBatches: 1,
      onBatch: (step) => progress.push(step),
    });
    expect(interrupted).toEqual({ rewrapped: 2, remaining: 3 });
    expect(progress).toEqual([{ rewrapped: 2, remaining: 3 }]);
    const idsMidway = await secretIdsOfRows();
    expect(idsMidway.filter((id) => id === onlyA.currentSecretId)).toHaveLength(3);
    expect(idsMidway.filter((id) => id === onlyB.currentSecretId)).toHaveLength(2);
    // Half-way, a server with both secrets still opens every key, and still starts.
    await expectAllOpen(rotating, stored);
    await assertSecretsOpenStoredKeys(database.db, rotating);
    // ...but B alone does not start yet: the check value and three rows are still under A.
    await expect(assertSecretsOpenStoredKeys(database.db, onlyB)).rejects.toThrow(BootError);
    const [check] = await database.db.select().from(vaultCheck);
    expect(check!.secretId).toBe(onlyA.currentSecretId);

    progress.length = 0;
    const completed = await rotateSecret(database.db, rotating, {
      batchSize: 2,
      onBatch: (step) => progress.push(step),
    });
    expect(completed).toEqual({ rewrapped: 3, remaining: 0 });
    expect(progress).toEqual([
      { rewrapped: 2, remaining: 1 },
      { rewrapped: 3, remaining: 0 },
    ]);
    expect(new Set(await secretIdsOfRows())).toEqual(new Set([onlyB.currentSecretId]));

    // Afterwards the new secret alone opens every key and passes the boot check; the old one alone is refused.
    await expectAllOpen(onlyB, stored);
    await assertSecretsOpenStoredKeys(database.db, onlyB);
    await expect(assertSecretsOpenStoredKeys(database.db, onlyA)).rejects.toThrow(BootError);
  });

  it('is idempotent: a run with nothing left to do changes nothing', async () => {
    const stored = await seedUnderA(3);
    await rotateSecret(database.db, rotating);
    const before = await database.db.select({ ciphertext: llmKeys.ciphertext }).from(llmKeys);
    expect(await rotateSecret(database.db, rotating)).toEqual({ rewrapped: 0, remaining: 0 });
    expect(await database.db.select({ ciphertext: llmKeys.ciphertext }).from(llmKeys)).toEqual(before);
    await expectAllOpen(onlyB, stored);
  });

  it('leaves the other columns alone (enabled, model, masked key)', async () => {
    const [first] = await seedUnderA(1);
    await updateLlmKey(
      database.db,
      rotating,
      { ...first!, chatbotId: null, enabled: false, model: 'claude-sonnet-4-5' },
      actor,
      acceptEveryKey,
    );
    const [before] = await database.db.select().from(llmKeys);
    await rotateSecret(database.db, rotating);
    const [after] = await database.db.select().from(llmKeys);
    expect({ ...after, ciphertext: undefined, secretId: undefined }).toEqual({
      ...before,
      ciphertext: undefined,
      secretId: undefined,
    });
  });

  it('does not clobber a key replaced between two batches', async () => {
    const stored = await seedUnderA(4);
    await rotateSecret(database.db, rotating, { batchSize: 2, maxBatches: 1 });
    const [stillUnderA] = await database.db
      .select({ workspaceId: llmKeys.workspaceId, provider: llmKeys.provider })
      .from(llmKeys)
      .where(eq(llmKeys.secretId, onlyA.currentSecretId))
      .limit(1);
    const replaced = stored.find((key) => key.provider === stillUnderA!.provider)!;
    replaced.apiKey = `sk-replaced-${randomUUID()}`;
    // Replaced by an instance that already runs with the new secret.
    await saveLlmKey(database.db, rotating, { ...replaced, chatbotId: null }, actor, acceptEveryKey);

    expect(await rotateSecret(database.db, rotating, { batchSize: 2 })).toEqual({
      rewrapped: 1,
      remaining: 0,
    });
    await expectAllOpen(onlyB, stored);
  });

  it('does not clobber a key replaced between reading its row and writing it back', async () => {
    const stored = await seedUnderA(3);
    const target = stored[1]!;
    target.apiKey = `sk-replaced-${randomUUID()}`;
    // The first write of the run is preceded by a replacement of `target` (by a server not yet restarted,
    // so still under A): the run read the old ciphertext and must not write its re-wrap over the new key.
    const racing = replaceBeforeFirstUpdate(database.db, () =>
      saveLlmKey(database.db, onlyA, { ...target, chatbotId: null }, actor, acceptEveryKey).then(() => {}),
    );

    const first = await rotateSecret(racing, rotating, { batchSize: 3, maxBatches: 1 });
    expect(first).toEqual({ rewrapped: 2, remaining: 1 });
    await expectAllOpen(rotating, stored);
    // The re-run picks up the replacement (it is under A) and completes.
    expect(await rotateSecret(database.db, rotating)).toEqual({ rewrapped: 1, remaining: 0 });
    await expectAllOpen(onlyB, stored);
  });

  it('refuses to run with secrets that cannot open the stored keys, and changes nothing', async () => {
    await seedUnderA(2);
    const stranger = createKeyring({ currentSecret: generateSecret() });
    await expect(rotateSecret(database.db, stranger)).rejects.toThrow(BootError);
    expect(new Set(await secretIdsOfRows())).toEqual(new Set([onlyA.currentSecretId]));
    const [check] = await database.db.select().from(vaultCheck);
    expect(check!.secretId).toBe(onlyA.currentSecretId);
  });

  it('does not reseal the check value under a mistyped secret when no key is stored yet', async () => {
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    const stranger = createKeyring({ currentSecret: generateSecret() });
    await expect(rotateSecret(database.db, stranger)).rejects.toThrow(BootError);
    await assertSecretsOpenStoredKeys(database.db, onlyA);
  });

  it('moves a lone check value to the new secret when no key is stored', async () => {
    await assertSecretsOpenStoredKeys(database.db, onlyA);
    expect(await rotateSecret(database.db, rotating)).toEqual({ rewrapped: 0, remaining: 0 });
    await assertSecretsOpenStoredKeys(database.db, onlyB);
  });
});

/**
 * The database, except that the first `update(...).set(...).where(...).returning(...)` runs `before` first:
 * a concurrent writer slipping in between the rotation's read and its conditional write.
 */
function replaceBeforeFirstUpdate(db: Database, before: () => Promise<void>): Database {
  let hasRun = false;
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'update' || hasRun) return Reflect.get(target, property, receiver) as unknown;
      return (table: typeof llmKeys) => ({
        set: (values: Partial<typeof llmKeys.$inferInsert>) => ({
          where: (condition: ReturnType<typeof and>) => ({
            returning: (fields: { provider: typeof llmKeys.provider }) => {
              hasRun = true;
              return before().then(() => target.update(table).set(values).where(condition).returning(fields));
            },
          }),
        }),
      });
    },
  });
}
