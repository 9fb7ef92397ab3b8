/**
 * Where the application secret comes from. Production sets BESTAI_SECRET; a local run on the embedded
 * database may have one generated once into the data folder (mode 0600), with a loud warning.
 * With DATABASE_URL and no secret, BestAI refuses to start: a generated secret on one machine could not
 * open keys saved by another instance.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { createFileExclusively } from '../files/create-file-exclusively.js';
import { createKeyring, generateSecret, VaultError, type Keyring } from '../vault/index.js';
import { BootError } from './boot-error.js';

export interface LoadedKeyring {
  keyring: Keyring;
  /** The file the secret was read from or generated into, for a local run without BESTAI_SECRET. */
  secretFile: string | null;
  wasGenerated: boolean;
}

export function loadKeyring(config: Readonly<Config>): LoadedKeyring {
  let currentSecret = config.BESTAI_SECRET;
  let secretFile: string | null = null;
  let wasGenerated = false;
  if (!currentSecret) {
    if (config.DATABASE_URL) {
      throw new BootError(
        'BESTAI_SECRET is required with DATABASE_URL: set it to the base64 of 32 random bytes (openssl rand -base64 32).',
      );
    }
    secretFile = path.resolve(config.BESTAI_DATA_DIR, 'secret.key');
    if (!existsSync(secretFile)) {
      mkdirSync(config.BESTAI_DATA_DIR, { recursive: true, mode: 0o700 });
      wasGenerated = createFileExclusively(secretFile, `${generateSecret()}\n`);
    }
    currentSecret = readFileSync(secretFile, 'utf8').trim();
    chmodSync(secretFile, 0o600);
  }
  try {
    return {
      keyring: createKeyring({ currentSecret, previousSecrets: config.previousSecrets }),
      secretFile,
      wasGenerated,
    };
  } catch (error) {
    if (!(error instanceof VaultError)) throw error;
    // The file, not the variable, held the bad value: say so, or the operator looks in the wrong place.
    if (secretFile && error.message.startsWith('BESTAI_SECRET ')) {
      throw new BootError(
        `The local secret in ${secretFile} is not valid (it must hold the base64 of 32 random bytes): restore it from your backup, or set BESTAI_SECRET.`,
      );
    }
    throw new BootError(error.message);
  }
}
