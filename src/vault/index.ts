/** The vault's public API: envelope encryption of provider keys, the keyring, masking and scrubbing. */
export { createKeyring, generateSecret, type Keyring, type KeyringInput } from './keyring.js';
export {
  openProviderKey,
  readSecretId,
  rewrapProviderKey,
  sealProviderKey,
  type KeyContext,
  type SealedKey,
} from './envelope.js';
export { createCheckValue, verifyCheckValue } from './check-value.js';
export { maskProviderKey } from './key-mask.js';
export { REDACTED, scrubKeyMaterial } from './key-scrub.js';
export { VaultError, type VaultErrorCode } from './vault-error.js';
