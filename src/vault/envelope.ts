/**
 * Envelope encryption of provider keys. Each key is sealed under its own random data key (DEK), and only
 * the DEK is wrapped under the application secret's KEK — so rotating the secret rewraps 32 bytes per
 * record and never touches the sealed key itself.
 *
 * Record (one ASCII string, stored in a text column):
 *
 *   v1.{secretId}.{wrappedDek}.{sealedKey}
 *
 * - `secretId`: 16 lowercase hex characters naming the secret whose KEK wrapped the DEK.
 * - `wrappedDek`: base64url(iv[12] ‖ tag[16] ‖ AES-256-GCM(KEK, DEK[32])), associated data
 *   `bestai:dek:v1:{secretId}`.
 * - `sealedKey`: base64url(iv[12] ‖ tag[16] ‖ AES-256-GCM(DEK, utf8 key)), associated data
 *   `bestai:llm-key:v1:{workspaceId}:{provider}` — a record copied to another workspace or provider
 *   does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { findKeyEncryptionKey, type Keyring } from './keyring.js';
import { VaultError } from './vault-error.js';

/** What a sealed provider key is bound to: opening it under any other context fails. */
export interface KeyContext {
  workspaceId: string;
  provider: string;
  /** Set for a chatbot's own key: its record opens for that chatbot only, never as the workspace's. */
  chatbotId?: string | null;
}

/** A record to store, with the id of the secret that wrapped it (for the `secret_id` column). */
export interface SealedKey {
  ciphertext: string;
  secretId: string;
}

interface ParsedRecord {
  secretId: string;
  wrappedDek: Buffer;
  wrappedDekText: string;
  sealedKey: Buffer;
  sealedKeyText: string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DEK_BYTES = 32;
const WRAPPED_DEK_BYTES = IV_BYTES + TAG_BYTES + DEK_BYTES;
const SECRET_ID = /^[0-9a-f]{16}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Context parts share the associated data string with ':' separators; keeping ':' out of them makes
// `{workspaceId}:{provider}` unambiguous. UUIDs and provider names fit.
const CONTEXT_PART = /^[A-Za-z0-9_-]{1,128}$/;

/** Seals a provider key for one workspace and provider under a fresh data key and the current secret. */
export function sealProviderKey(keyring: Keyring, plaintext: string, context: KeyContext): SealedKey {
  const associatedData = contextData(context);
  const secretId = keyring.currentSecretId;
  const keyEncryptionKey = requireKeyEncryptionKey(keyring, secretId);
  const dataKey = randomBytes(DEK_BYTES);
  const plaintextBytes = Buffer.from(plaintext, 'utf8');
  try {
    const sealedKeyText = encrypt(dataKey, plaintextBytes, associatedData).toString('base64url');
    const wrappedDekText = wrapDataKey(keyEncryptionKey, dataKey, secretId);
    return { ciphertext: `${VERSION}.${secretId}.${wrappedDekText}.${sealedKeyText}`, secretId };
  } finally {
    dataKey.fill(0);
    plaintextBytes.fill(0);
  }
}

/**
 * Opens a record for the context it was sealed for. Throws a `VaultError`: `malformed_record`,
 * `unsupported_version`, `unknown_secret`, or `decrypt_failed` (wrong secret, tampering, wrong context).
 */
export function openProviderKey(keyring: Keyring, ciphertext: string, context: KeyContext): string {
  const associatedData = contextData(context);
  const record = parseRecord(ciphertext);
  const dataKey = unwrapDataKey(keyring, record);
  try {
    return decrypt(dataKey, record.sealedKey, associatedData).toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Re-wraps a record's data key under the current secret; the sealed key is copied unchanged, so no
 * context is needed. A record already under the current secret comes back as it was (after checking its
 * DEK still unwraps), which makes `bestai rotate-secret` safe to run twice.
 */
export function rewrapProviderKey(keyring: Keyring, ciphertext: string): SealedKey {
  const record = parseRecord(ciphertext);
  const dataKey = unwrapDataKey(keyring, record);
  try {
    const secretId = keyring.currentSecretId;
    if (record.secretId === secretId) return { ciphertext, secretId };
    const wrappedDekText = wrapDataKey(requireKeyEncryptionKey(keyring, secretId), dataKey, secretId);
    return { ciphertext: `${VERSION}.${secretId}.${wrappedDekText}.${record.sealedKeyText}`, secretId };
  } finally {
    dataKey.fill(0);
  }
}

/** The id of the secret that wrapped a record, without decrypting anything. */
export function readSecretId(ciphertext: string): string {
  return parseRecord(ciphertext).secretId;
}

function parseRecord(ciphertext: string): ParsedRecord {
  const parts = ciphertext.split('.');
  const version = parts[0] ?? '';
  if (version !== VERSION) {
    if (/^v\d{1,6}$/.test(version)) {
      throw new VaultError(
        'unsupported_version',
        'The vault record has a format version this build cannot read.',
      );
    }
    throw malformed();
  }
  const [, secretId, wrappedDekText, sealedKeyText] = parts;
  if (parts.length !== 4 || !secretId || !wrappedDekText || !sealedKeyText || !SECRET_ID.test(secretId)) {
    throw malformed();
  }
  const wrappedDek = decodeBase64Url(wrappedDekText);
  const sealedKey = decodeBase64Url(sealedKeyText);
  if (wrappedDek.length !== WRAPPED_DEK_BYTES || sealedKey.length < IV_BYTES + TAG_BYTES) throw malformed();
  return { secretId, wrappedDek, wrappedDekText, sealedKey, sealedKeyText };
}

/** Strict: Node's decoder skips foreign characters and ignores stray bits, which would make records malleable. */
function decodeBase64Url(text: string): Buffer {
  if (!BASE64URL.test(text)) throw malformed();
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw malformed();
  return bytes;
}

function malformed(): VaultError {
  return new VaultError('malformed_record', 'The value is not a well-formed vault record.');
}

function contextData(context: KeyContext): Buffer {
  const { chatbotId } = context;
  if (
    !CONTEXT_PART.test(context.workspaceId) ||
    !CONTEXT_PART.test(context.provider) ||
    (chatbotId != null && !CONTEXT_PART.test(chatbotId))
  ) {
    throw new VaultError(
      'invalid_context',
      'A vault context needs a workspace id and a provider (and a chatbot id, when set) made of 1 to 128 letters, digits, "-" or "_".',
    );
  }
  // A workspace key's associated data is unchanged from before chatbot keys existed, so stored records open.
  const scope = chatbotId == null ? '' : `:chatbot:${chatbotId}`;
  return Buffer.from(`bestai:llm-key:${VERSION}:${context.workspaceId}:${context.provider}${scope}`, 'utf8');
}

function dataKeyData(secretId: string): Buffer {
  return Buffer.from(`bestai:dek:${VERSION}:${secretId}`, 'utf8');
}

function requireKeyEncryptionKey(keyring: Keyring, secretId: string): Buffer {
  const keyEncryptionKey = findKeyEncryptionKey(keyring, secretId);
  if (!keyEncryptionKey) {
    throw new VaultError(
      'unknown_secret',
      'The vault record was encrypted with a secret this server does not have.',
    );
  }
  return keyEncryptionKey;
}

function wrapDataKey(keyEncryptionKey: Buffer, dataKey: Buffer, secretId: string): string {
  return encrypt(keyEncryptionKey, dataKey, dataKeyData(secretId)).toString('base64url');
}

function unwrapDataKey(keyring: Keyring, record: ParsedRecord): Buffer {
  const keyEncryptionKey = requireKeyEncryptionKey(keyring, record.secretId);
  return decrypt(keyEncryptionKey, record.wrappedDek, dataKeyData(record.secretId));
}

/** AES-256-GCM with a fresh 12-byte IV; output is iv ‖ tag ‖ ciphertext. */
function encrypt(key: Buffer, plaintext: Buffer, associatedData: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The inverse of `encrypt`; any failure is one `decrypt_failed`, never the underlying OpenSSL text. */
function decrypt(key: Buffer, sealed: Buffer, associatedData: Buffer): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData);
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new VaultError(
      'decrypt_failed',
      'The vault record could not be decrypted: wrong secret, altered data, or another workspace or provider.',
    );
  }
}
