import { describe, expect, it } from 'vitest';
import { createKeyring, findKeyEncryptionKey, generateSecret } from './keyring.js';
import { VaultError } from './vault-error.js';

const secretOf = (byte: number, length = 32) => Buffer.alloc(length, byte).toString('base64');

describe('generateSecret', () => {
  it('returns base64 of 32 fresh random bytes', () => {
    const first = generateSecret();
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(first).not.toBe(generateSecret());
    expect(() => createKeyring({ currentSecret: first })).not.toThrow();
  });
});

describe('createKeyring', () => {
  it('derives a stable 16-hex secret id that differs per secret and reveals nothing of the secret', () => {
    const secret = secretOf(1);
    const keyring = createKeyring({ currentSecret: secret });
    expect(keyring.currentSecretId).toMatch(/^[0-9a-f]{16}$/);
    expect(createKeyring({ currentSecret: secret }).currentSecretId).toBe(keyring.currentSecretId);
    expect(createKeyring({ currentSecret: secretOf(2) }).currentSecretId).not.toBe(keyring.currentSecretId);
    expect(Buffer.from(secret, 'base64').toString('hex')).not.toContain(keyring.currentSecretId);
  });

  it('lists the current secret first, then distinct previous ones, skipping blanks and duplicates', () => {
    const current = secretOf(1);
    const keyring = createKeyring({
      currentSecret: current,
      previousSecrets: [secretOf(2), '', current, secretOf(2)],
    });
    expect(keyring.secretIds).toHaveLength(2);
    expect(keyring.secretIds[0]).toBe(keyring.currentSecretId);
    expect(keyring.secretIds[1]).toBe(createKeyring({ currentSecret: secretOf(2) }).currentSecretId);
  });

  it('keeps key-encryption keys out of the object, JSON and inspection', () => {
    const keyring = createKeyring({ currentSecret: secretOf(7) });
    const kek = findKeyEncryptionKey(keyring, keyring.currentSecretId);
    expect(kek).toHaveLength(32);
    expect(Object.keys(keyring).sort()).toEqual(['currentSecretId', 'secretIds']);
    expect(JSON.stringify(keyring)).not.toContain(kek!.toString('base64'));
    expect(findKeyEncryptionKey({ ...keyring }, keyring.currentSecretId)).toBeUndefined();
  });

  it('accepts url-safe base64, missing padding and surrounding spaces', () => {
    const bytes = Buffer.alloc(32, 0xfb);
    const expected = createKeyring({ currentSecret: bytes.toString('base64') }).currentSecretId;
    for (const variant of [bytes.toString('base64url'), ` ${bytes.toString('base64')}\n`]) {
      expect(createKeyring({ currentSecret: variant }).currentSecretId).toBe(expected);
    }
  });

  const malformed: Array<[string, string]> = [
    ['empty', ''],
    ['not base64', 'this is not base64 at all, not even close!!'],
    ['16 bytes', secretOf(3, 16)],
    ['31 bytes', secretOf(3, 31)],
    ['33 bytes', secretOf(3, 33)],
    ['64 bytes', secretOf(3, 64)],
    ['a stray character inside', `${secretOf(3).slice(0, 20)}!${secretOf(3).slice(21)}`],
    ['non-canonical trailing bits', `${secretOf(0).slice(0, 42)}B=`],
    ['hex instead of base64', Buffer.alloc(32, 9).toString('hex')],
  ];

  it.each(malformed)(
    'rejects a BESTAI_SECRET that is %s, naming the variable and not the value',
    (_, value) => {
      const error = catchError(() => createKeyring({ currentSecret: value }));
      expect(error).toBeInstanceOf(VaultError);
      expect(error.code).toBe('invalid_secret');
      expect(error.message).toMatch(/^BESTAI_SECRET must be .*\.$/);
      if (value.length > 0) expect(error.message).not.toContain(value);
    },
  );

  it.each(malformed)('rejects a previous secret that is %s, naming BESTAI_PREVIOUS_SECRETS', (_, value) => {
    if (value === '') return; // blank entries are skipped, not errors
    const error = catchError(() =>
      createKeyring({ currentSecret: secretOf(1), previousSecrets: [secretOf(2), value] }),
    );
    expect(error.code).toBe('invalid_secret');
    expect(error.message).toMatch(/^Entry 2 of BESTAI_PREVIOUS_SECRETS must be .*\.$/);
    expect(error.message).not.toContain(value);
  });
});

function catchError(action: () => unknown): VaultError {
  try {
    action();
  } catch (error) {
    return error as VaultError;
  }
  throw new Error('expected an error');
}
