/**
 * The keyring: the application secrets turned into key-encryption keys (KEKs), derived once and cached,
 * so opening a record costs two AES-GCM decryptions and no key derivation.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { VaultError } from './vault-error.js';

/** What callers may see of a keyring: ids only. The KEKs stay in a module-private map. */
export interface Keyring {
  /** The id of `BESTAI_SECRET`; every new or rewrapped record carries it. */
  readonly currentSecretId: string;
  /** Every secret id this keyring can open, the current one first. */
  readonly secretIds: readonly string[];
}

export interface KeyringInput {
  /** The value of `BESTAI_SECRET`: base64 of exactly 32 random bytes. */
  currentSecret: string;
  /** The entries of `BESTAI_PREVIOUS_SECRETS`, each in the same format. */
  previousSecrets?: readonly string[];
}

const SECRET_BYTES = 32;
// Distinct HKDF info strings make the id and the KEK independent outputs: knowing an id tells nothing
// about the KEK, and the id cannot serve as an oracle for guessing the secret (it is not a bare hash).
const SECRET_ID_INFO = 'bestai:secret-id';
const KEK_INFO = 'bestai:kek:v1';
// The secret is already uniformly random, so HKDF needs no salt (RFC 5869, section 3.1).
const NO_SALT = Buffer.alloc(0);

// A WeakMap rather than a property: the KEKs never show up in `console.log`, `JSON.stringify` or a
// heap of spread objects, and a hand-made object that merely looks like a Keyring opens nothing.
const keyEncryptionKeys = new WeakMap<Keyring, ReadonlyMap<string, Buffer>>();

/** Base64 of 32 fresh random bytes: a value for `BESTAI_SECRET`. */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * Builds the keyring from the environment's base64 values. Throws a `VaultError` (`invalid_secret`)
 * whose message names the variable and never contains its value.
 */
export function createKeyring(input: KeyringInput): Keyring {
  const current = decodeSecret(input.currentSecret, 'BESTAI_SECRET');
  const secrets = [current];
  (input.previousSecrets ?? []).forEach((value, index) => {
    const trimmed = value.trim();
    // An empty entry comes from a stray comma; it is no secret at all, so it is skipped, not rejected.
    if (trimmed !== '') secrets.push(decodeSecret(trimmed, 'BESTAI_PREVIOUS_SECRETS', index + 1));
  });

  const keys = new Map<string, Buffer>();
  for (const secret of secrets) {
    const id = deriveSecretId(secret);
    // The same secret listed twice (or current and previous) is one key; the first, current, wins.
    if (!keys.has(id)) keys.set(id, deriveKey(secret, KEK_INFO, 32));
    secret.fill(0);
  }

  const secretIds = Object.freeze([...keys.keys()]);
  const keyring: Keyring = Object.freeze({ currentSecretId: secretIds[0]!, secretIds });
  keyEncryptionKeys.set(keyring, keys);
  return keyring;
}

/** The KEK for a secret id, or `undefined` when the keyring does not hold that secret. Vault-internal. */
export function findKeyEncryptionKey(keyring: Keyring, secretId: string): Buffer | undefined {
  return keyEncryptionKeys.get(keyring)?.get(secretId);
}

/** 8 bytes of HKDF output as 16 lowercase hex characters: short, stable and not secret. */
function deriveSecretId(secret: Buffer): string {
  return deriveKey(secret, SECRET_ID_INFO, 8).toString('hex');
}

function deriveKey(secret: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, NO_SALT, info, length));
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Strict decoding: `Buffer.from(value, 'base64')` silently skips bad characters, so a typo would
 * become a different, valid-looking key. Standard and URL-safe alphabets are both accepted.
 */
function decodeSecret(value: string, variable: string, position?: number): Buffer {
  const text = value.trim();
  const standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  const bytes = BASE64.test(text) ? Buffer.from(standard, 'base64') : undefined;
  // Re-encoding must give the input back: this rejects stray padding bits that decoding would drop.
  const isCanonical = bytes !== undefined && bytes.toString('base64').replace(/=+$/, '') === standard;
  if (bytes === undefined || !isCanonical || bytes.length !== SECRET_BYTES) {
    const name = position === undefined ? variable : `Entry ${position} of ${variable}`;
    throw new VaultError(
      'invalid_secret',
      `${name} must be the base64 encoding of exactly ${SECRET_BYTES} random bytes (for example the output of \`openssl rand -base64 32\`).`,
    );
  }
  return bytes;
}
