import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createKeyring, generateSecret } from '../vault/index.js';
import { loadKeyring } from './application-secret.js';
import { BootError } from './boot-error.js';

const temporaryDirs: string[] = [];
function temporaryDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bestai-secret-'));
  temporaryDirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs loadKeyring and returns its BootError, failing the test when it starts. */
function refusal(environment: Record<string, string>): BootError {
  try {
    loadKeyring(loadConfig(environment));
  } catch (error) {
    expect(error).toBeInstanceOf(BootError);
    return error as BootError;
  }
  throw new Error('loadKeyring accepted the environment');
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('loadKeyring: BESTAI_SECRET and BESTAI_PREVIOUS_SECRETS', () => {
  const secret = generateSecret();
  const shortSecret = Buffer.alloc(16, 7).toString('base64');
  const longSecret = Buffer.alloc(48, 7).toString('base64');

  it('builds the keyring from BESTAI_SECRET and writes no file', () => {
    const dataDir = temporaryDataDir();
    const loaded = loadKeyring(loadConfig({ BESTAI_SECRET: secret, BESTAI_DATA_DIR: dataDir }));
    expect(loaded.keyring.currentSecretId).toBe(createKeyring({ currentSecret: secret }).currentSecretId);
    expect(loaded.secretFile).toBeNull();
    expect(loaded.wasGenerated).toBe(false);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it.each([
    ['not base64', 'this is not base64!'],
    ['16 bytes', shortSecret],
    ['48 bytes', longSecret],
    ['base64 with stray characters', `${secret.slice(0, 20)}$%${secret.slice(22)}`],
  ])('refuses a BESTAI_SECRET that is %s, naming the variable and not the value', (_, value) => {
    const error = refusal({ BESTAI_SECRET: value, BESTAI_DATA_DIR: temporaryDataDir() });
    expect(error.message).toMatch(/^BESTAI_SECRET must be the base64 encoding of exactly 32 random bytes/);
    expect(error.message).not.toContain(value.trim());
  });

  it('refuses a malformed BESTAI_PREVIOUS_SECRETS entry, naming the variable and the entry', () => {
    const error = refusal({
      BESTAI_SECRET: secret,
      BESTAI_PREVIOUS_SECRETS: `${generateSecret()},${shortSecret}`,
    });
    expect(error.message).toMatch(/^Entry 2 of BESTAI_PREVIOUS_SECRETS must be the base64 encoding/);
    expect(error.message).not.toContain(shortSecret);
    expect(error.message).not.toContain(secret);
  });

  it('accepts previous secrets beside the current one', () => {
    const previous = generateSecret();
    const { keyring } = loadKeyring(
      loadConfig({ BESTAI_SECRET: secret, BESTAI_PREVIOUS_SECRETS: ` ${previous} ,` }),
    );
    expect(keyring.secretIds).toEqual([
      createKeyring({ currentSecret: secret }).currentSecretId,
      createKeyring({ currentSecret: previous }).currentSecretId,
    ]);
  });

  it('refuses DATABASE_URL without BESTAI_SECRET, and generates nothing', () => {
    const dataDir = temporaryDataDir();
    const error = refusal({ DATABASE_URL: 'postgres://db/bestai', BESTAI_DATA_DIR: dataDir });
    expect(error.message).toBe(
      'BESTAI_SECRET is required with DATABASE_URL: set it to the base64 of 32 random bytes (openssl rand -base64 32).',
    );
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses DATABASE_URL with a blank BESTAI_SECRET', () => {
    expect(refusal({ DATABASE_URL: 'postgres://db/bestai', BESTAI_SECRET: '   ' }).message).toMatch(
      /^BESTAI_SECRET is required with DATABASE_URL/,
    );
  });
});

describe('loadKeyring: the local secret file', () => {
  it('generates secret.key (0600) on a first local run and reuses it afterwards', () => {
    const dataDir = path.join(temporaryDataDir(), 'nested', 'data');
    const first = loadKeyring(loadConfig({ BESTAI_DATA_DIR: dataDir }));
    const secretFile = path.join(dataDir, 'secret.key');
    expect(first.secretFile).toBe(secretFile);
    expect(first.wasGenerated).toBe(true);
    expect(modeOf(secretFile)).toBe(0o600);
    expect(modeOf(dataDir)).toBe(0o700);
    const content = readFileSync(secretFile, 'utf8');
    expect(content).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(createKeyring({ currentSecret: content.trim() }).currentSecretId).toBe(
      first.keyring.currentSecretId,
    );
    // Nothing else is left behind (no temporary file).
    expect(readdirSync(dataDir)).toEqual(['secret.key']);

    const second = loadKeyring(loadConfig({ BESTAI_DATA_DIR: dataDir }));
    expect(second.wasGenerated).toBe(false);
    expect(second.secretFile).toBe(secretFile);
    expect(second.keyring.currentSecretId).toBe(first.keyring.currentSecretId);
    expect(readFileSync(secretFile, 'utf8')).toBe(content);
  });

  it('tightens a secret file whose mode was loosened', () => {
    const dataDir = temporaryDataDir();
    loadKeyring(loadConfig({ BESTAI_DATA_DIR: dataDir }));
    const secretFile = path.join(dataDir, 'secret.key');
    chmodSync(secretFile, 0o644);
    loadKeyring(loadConfig({ BESTAI_DATA_DIR: dataDir }));
    expect(modeOf(secretFile)).toBe(0o600);
  });

  it('prefers BESTAI_SECRET over an existing secret file', () => {
    const dataDir = temporaryDataDir();
    const local = loadKeyring(loadConfig({ BESTAI_DATA_DIR: dataDir }));
    const secret = generateSecret();
    const loaded = loadKeyring(loadConfig({ BESTAI_DATA_DIR: dataDir, BESTAI_SECRET: secret }));
    expect(loaded.secretFile).toBeNull();
    expect(loaded.keyring.currentSecretId).not.toBe(local.keyring.currentSecretId);
  });

  it.each([
    ['empty', ''],
    ['damaged', 'not a secret at all'],
  ])('refuses an %s secret file, naming the file and not its content', (_, content) => {
    const dataDir = temporaryDataDir();
    writeFileSync(path.join(dataDir, 'secret.key'), content, { mode: 0o600 });
    const error = refusal({ BESTAI_DATA_DIR: dataDir });
    expect(error.message).toBe(
      `The local secret in ${path.join(dataDir, 'secret.key')} is not valid (it must hold the base64 of 32 random bytes): restore it from your backup, or set BESTAI_SECRET.`,
    );
    if (content) expect(error.message).not.toContain(content);
    // Never silently replaced: keys sealed under the lost secret would be unreadable for good.
    expect(readFileSync(path.join(dataDir, 'secret.key'), 'utf8')).toBe(content);
  });

  it('does not create the data folder when BESTAI_SECRET is set', () => {
    const dataDir = path.join(temporaryDataDir(), 'absent');
    loadKeyring(loadConfig({ BESTAI_DATA_DIR: dataDir, BESTAI_SECRET: generateSecret() }));
    expect(existsSync(dataDir)).toBe(false);
  });
});
