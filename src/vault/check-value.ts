/**
 * A known value sealed under the application secret and stored at first start. At boot, failing to open it
 * means the configured secrets cannot open the stored provider keys either, and the server must refuse to
 * start rather than run half-working. After `bestai rotate-secret` the check value is rewrapped like any
 * other record (`rewrapProviderKey`).
 */
import { timingSafeEqual } from 'node:crypto';
import { openProviderKey, sealProviderKey, type KeyContext } from './envelope.js';
import type { Keyring } from './keyring.js';
import { VaultError } from './vault-error.js';

const CHECK_CONTEXT: KeyContext = { workspaceId: 'vault-check', provider: 'bestai' };
const CHECK_PLAINTEXT = 'bestai:vault-check:v1';

/** Seals the check constant under the current secret, for the `vault_check` row. */
export function createCheckValue(keyring: Keyring): { secretId: string; checkValue: string } {
  const sealed = sealProviderKey(keyring, CHECK_PLAINTEXT, CHECK_CONTEXT);
  return { secretId: sealed.secretId, checkValue: sealed.ciphertext };
}

/**
 * True when the keyring (current or a previous secret) opens the check value. Any vault failure —
 * unknown secret, wrong secret, tampering, malformed text — is `false`; only programming errors throw.
 */
export function verifyCheckValue(keyring: Keyring, checkValue: string): boolean {
  let opened: string;
  try {
    opened = openProviderKey(keyring, checkValue, CHECK_CONTEXT);
  } catch (error) {
    if (error instanceof VaultError) return false;
    throw error;
  }
  const expected = Buffer.from(CHECK_PLAINTEXT, 'utf8');
  const actual = Buffer.from(opened, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
