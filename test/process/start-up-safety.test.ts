/**
 * Start-up safety with the real process: bad configuration and secrets stop `src/main.ts` with exit code 1
 * and one sentence on stderr; a database whose keys were saved under another secret is refused; the
 * rotation runbook (`bestai rotate-secret`, then the new secret alone) works end to end.
 * On the embedded database; on PostgreSQL too when TEST_DATABASE_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertSecretsOpenStoredKeys } from '../../src/boot/vault-check.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { llmKeys, workspaces, type ProviderId } from '../../src/db/schema.js';
import { openStoredKey, saveLlmKey } from '../../src/llm/keys/llm-key-service.js';
import { createKeyring, generateSecret, type Keyring } from '../../src/vault/index.js';
import {
  killAllProcesses,
  startBestAI,
  waitUntilRunning,
  type BestAIProcess,
} from '../support/process-runner.js';
import { createTestDatabase, isPostgresRun, type TestDatabase } from '../support/test-database.js';
import { acceptEveryKey } from '../support/accept-every-key.js';

const temporaryDirs: string[] = [];
function temporaryDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bestai-start-up-'));
  temporaryDirs.push(dir);
  return dir;
}
afterEach(killAllProcesses);
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

/** Waits for the refusal and returns its one stderr line. */
async function refusalOf(started: BestAIProcess): Promise<string> {
  expect(await started.waitForExit()).toEqual({ code: 1, signal: null });
  expect(started.stdoutLines.some((line) => line.includes('BestAI is running'))).toBe(false);
  expect(started.stderrLines.filter((line) => line !== '')).toHaveLength(1);
  return started.stderrLines[0]!;
}

describe('refusals before anything is opened', () => {
  const secretLookalike = Buffer.alloc(16, 1).toString('base64');

  it.each([
    ['a bad PORT', { PORT: 'abc' }, 'PORT is not valid: must be a whole number from 0 to 65535.'],
    [
      'a bad DATABASE_URL',
      { DATABASE_URL: 'mysql://admin:hunter2@db/bestai' },
      'DATABASE_URL is not valid: must be a URL starting with postgres:// or postgresql://.',
    ],
    [
      'a bad PUBLIC_URL',
      { PUBLIC_URL: 'ftp://files.example.com' },
      'PUBLIC_URL is not valid: must be a URL starting with http:// or https://.',
    ],
    [
      'a bad REDIS_URL',
      { REDIS_URL: 'http://cache:6379' },
      'REDIS_URL is not valid: must be a URL starting with redis:// or rediss://.',
    ],
    [
      'a short BESTAI_SECRET',
      { BESTAI_SECRET: secretLookalike },
      'BESTAI_SECRET must be the base64 encoding of exactly 32 random bytes (for example the output of `openssl rand -base64 32`).',
    ],
    [
      'a malformed BESTAI_PREVIOUS_SECRETS',
      { BESTAI_SECRET: generateSecret(), BESTAI_PREVIOUS_SECRETS: 'not!base64' },
      'Entry 1 of BESTAI_PREVIOUS_SECRETS must be the base64 encoding of exactly 32 random bytes (for example the output of `openssl rand -base64 32`).',
    ],
    [
      'DATABASE_URL without BESTAI_SECRET',
      { DATABASE_URL: 'postgres://127.0.0.1:9/never-contacted' },
      'BESTAI_SECRET is required with DATABASE_URL: set it to the base64 of 32 random bytes (openssl rand -base64 32).',
    ],
  ])(
    '%s stops with exit 1 and one sentence',
    async (_, environment: Record<string, string>, sentence) => {
      const dataDir = temporaryDataDir();
      const started = startBestAI({ env: { BESTAI_DATA_DIR: dataDir, PORT: '0', ...environment } });
      const line = await refusalOf(started);
      expect(line).toBe(`BestAI did not start: ${sentence}`);
      for (const value of Object.values(environment)) {
        if (!sentence.includes(value)) expect(started.lines.join('\n')).not.toContain(value);
      }
      // Nothing was generated or opened for a refused start.
      expect(readdirSync(dataDir)).toEqual([]);
    },
    120_000,
  );
});

describe(`stored keys and the secrets (${isPostgresRun ? 'PostgreSQL' : 'embedded database'})`, () => {
  const secretA = generateSecret();
  const secretB = generateSecret();
  const onlyA = createKeyring({ currentSecret: secretA });
  const onlyB = createKeyring({ currentSecret: secretB });
  const stored: { workspaceId: string; provider: ProviderId; apiKey: string }[] = [];
  let testDatabase: TestDatabase | undefined;
  let location: Record<string, string>;

  /** The database the processes use, opened in this process (the embedded one only while no server runs). */
  async function withDatabase<T>(use: (database: DatabaseHandle) => Promise<T>): Promise<T> {
    if (testDatabase) return use(testDatabase);
    const database = await openDatabase({ kind: 'pglite', dataDir: location.BESTAI_DATA_DIR! });
    try {
      return await use(database);
    } finally {
      await database.close();
    }
  }

  beforeAll(async () => {
    if (isPostgresRun) {
      testDatabase = await createTestDatabase();
      location = { DATABASE_URL: testDatabase.url! };
    } else {
      location = { BESTAI_DATA_DIR: temporaryDataDir() };
    }
    // A server that ran under secret A, and a workspace that saved three keys then.
    await withDatabase(async ({ db }) => {
      await assertSecretsOpenStoredKeys(db, onlyA);
      const workspaceId = randomUUID();
      await db.insert(workspaces).values({ id: workspaceId, name: 'Acme' });
      for (const provider of ['anthropic', 'openai', 'groq'] as const) {
        const apiKey = `sk-${provider}-${randomUUID()}`;
        await saveLlmKey(
          db,
          onlyA,
          { workspaceId, chatbotId: null, provider, apiKey },
          { userId: randomUUID(), email: 'o@example.com' },
          acceptEveryKey,
        );
        stored.push({ workspaceId, provider, apiKey });
      }
    });
  }, 120_000);
  afterAll(async () => {
    await testDatabase?.dispose();
  });

  const start = (environment: Record<string, string>, args?: string[]) =>
    startBestAI({ entry: args ? 'cli' : 'main', args, env: { ...location, PORT: '0', ...environment } });

  async function expectKeysOpenWith(keyring: Keyring) {
    await withDatabase(async ({ db }) => {
      for (const { workspaceId, provider, apiKey } of stored) {
        expect(await openStoredKey(db, keyring, { workspaceId, chatbotId: null, provider })).toBe(apiKey);
      }
    });
  }

  it('follows the rotation runbook: B alone is refused, B with A starts, rotate-secret, then B alone starts', async () => {
    const wrongSecret = start({ BESTAI_SECRET: secretB });
    expect(await refusalOf(wrongSecret)).toBe(
      'BestAI did not start: BESTAI_SECRET cannot open the provider keys stored in this database: set BESTAI_SECRET to the secret they were saved with, or list it in BESTAI_PREVIOUS_SECRETS.',
    );
    expect(wrongSecret.lines.join('\n')).not.toContain(secretB);

    const rotating = { BESTAI_SECRET: secretB, BESTAI_PREVIOUS_SECRETS: secretA };
    const duringRotation = start(rotating);
    const url = await waitUntilRunning(duringRotation);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await duringRotation.stop()).toEqual({ code: 0, signal: null });

    // The runbook step: with the server stopped (the embedded folder is locked while it runs).
    const rotation = start(rotating, ['rotate-secret']);
    expect(await rotation.waitForExit()).toEqual({ code: 0, signal: null });
    expect(rotation.stdoutLines).toContain(
      'Done: 3 key(s) re-wrapped under the current BESTAI_SECRET. You may now remove the old secret from BESTAI_PREVIOUS_SECRETS.',
    );
    const output = rotation.lines.join('\n');
    for (const { apiKey } of stored) expect(output).not.toContain(apiKey);
    expect(output).not.toContain(secretA);
    expect(output).not.toContain(secretB);

    const afterRotation = start({ BESTAI_SECRET: secretB });
    await waitUntilRunning(afterRotation);
    expect(await afterRotation.stop()).toEqual({ code: 0, signal: null });
    const secretIds = await withDatabase(({ db }) =>
      db.selectDistinct({ secretId: llmKeys.secretId }).from(llmKeys),
    );
    expect(secretIds).toEqual([{ secretId: onlyB.currentSecretId }]);
    await expectKeysOpenWith(onlyB);

    // And now the old secret alone is the wrong one.
    expect(await refusalOf(start({ BESTAI_SECRET: secretA }))).toMatch(
      /^BestAI did not start: BESTAI_SECRET cannot open/,
    );
  }, 300_000);

  // After the runbook above: the keys are under B now.
  it('rotate-secret with a secret that cannot open the stored keys refuses and changes nothing', async () => {
    const stranger = generateSecret();
    const rotation = start({ BESTAI_SECRET: stranger }, ['rotate-secret']);
    expect(await rotation.waitForExit()).toEqual({ code: 1, signal: null });
    expect(rotation.stderrLines[0]).toMatch(
      /^bestai: BESTAI_SECRET cannot open the provider keys stored in this database/,
    );
    expect(rotation.lines.join('\n')).not.toContain(stranger);
    await expectKeysOpenWith(onlyB);
  }, 120_000);
});
