import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  openProviderKey,
  readSecretId,
  rewrapProviderKey,
  sealProviderKey,
  type KeyContext,
} from './envelope.js';
import { createKeyring, generateSecret } from './keyring.js';
import { VaultError, type VaultErrorCode } from './vault-error.js';

const oldSecret = generateSecret();
const newSecret = generateSecret();
const oldKeyring = createKeyring({ currentSecret: oldSecret });
const rotatingKeyring = createKeyring({ currentSecret: newSecret, previousSecrets: [oldSecret] });
const newOnlyKeyring = createKeyring({ currentSecret: newSecret });
const context: KeyContext = { workspaceId: '6f1c2a9e-3b7d-4c1e-9a55-0d2f4e6b8c10', provider: 'openai' };
const providerKey = `sk-proj-${'Ab3_x-9Z'.repeat(20)}wxyz`;

describe('sealProviderKey / openProviderKey', () => {
  const keys: Array<[string, string]> = [
    ['an OpenAI key', providerKey],
    ['an Anthropic key', `sk-ant-api03-${'q'.repeat(93)}-AAAA`],
    ['a Groq key', `gsk_${'R7'.repeat(26)}`],
    ['unicode', 'clé-секрет-鍵-🔑-ключ'],
    ['512 characters', 'k'.repeat(511) + 'Z'],
    ['one character', 'x'],
    ['empty', ''],
  ];

  it.each(keys)('round-trips %s', (_, key) => {
    const sealed = sealProviderKey(oldKeyring, key, context);
    expect(sealed.secretId).toBe(oldKeyring.currentSecretId);
    expect(sealed.ciphertext).toMatch(/^v1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{80}\.[A-Za-z0-9_-]+$/);
    expect(readSecretId(sealed.ciphertext)).toBe(sealed.secretId);
    expect(openProviderKey(oldKeyring, sealed.ciphertext, context)).toBe(key);
  });

  it('uses a fresh data key and IVs each time, and never holds the key in clear', () => {
    const first = sealProviderKey(oldKeyring, providerKey, context).ciphertext;
    const second = sealProviderKey(oldKeyring, providerKey, context).ciphertext;
    expect(first).not.toBe(second);
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
    expect(first).not.toContain('wxyz');
  });

  it('fails with decrypt_failed under a different secret that claims the same id', () => {
    const sealed = sealProviderKey(oldKeyring, providerKey, context);
    const forged = sealed.ciphertext.replace(oldKeyring.currentSecretId, newOnlyKeyring.currentSecretId);
    expectVaultError(() => openProviderKey(newOnlyKeyring, forged, context), 'decrypt_failed');
  });

  it('fails with unknown_secret when the keyring lacks the secret', () => {
    const sealed = sealProviderKey(oldKeyring, providerKey, context);
    expectVaultError(() => openProviderKey(newOnlyKeyring, sealed.ciphertext, context), 'unknown_secret');
  });

  const otherContexts: Array<[string, KeyContext]> = [
    ['another workspace', { ...context, workspaceId: '00000000-0000-4000-8000-000000000000' }],
    ['another provider', { ...context, provider: 'groq' }],
    ['a context that only differs by case', { ...context, provider: 'OpenAI' }],
    ['a chatbot of the same workspace', { ...context, chatbotId: '11111111-1111-4111-8111-111111111111' }],
  ];

  it("opens a chatbot's key for that chatbot only, never as the workspace's", () => {
    const chatbotContext = { ...context, chatbotId: '11111111-1111-4111-8111-111111111111' };
    const sealed = sealProviderKey(oldKeyring, providerKey, chatbotContext);
    expect(openProviderKey(oldKeyring, sealed.ciphertext, chatbotContext)).toBe(providerKey);
    expectVaultError(() => openProviderKey(oldKeyring, sealed.ciphertext, context), 'decrypt_failed');
    expectVaultError(
      () =>
        openProviderKey(oldKeyring, sealed.ciphertext, {
          ...chatbotContext,
          chatbotId: '22222222-2222-4222-8222-222222222222',
        }),
      'decrypt_failed',
    );
  });

  it.each(otherContexts)('does not open for %s', (_, other) => {
    const sealed = sealProviderKey(oldKeyring, providerKey, context);
    expectVaultError(() => openProviderKey(oldKeyring, sealed.ciphertext, other), 'decrypt_failed');
  });

  it('does not open when the sealed part is moved into another workspace record', () => {
    const mine = sealProviderKey(oldKeyring, providerKey, context).ciphertext.split('.');
    const theirs = sealProviderKey(oldKeyring, 'sk-theirs-0000000000', { ...context, workspaceId: 'w2' });
    const spliced = [...theirs.ciphertext.split('.').slice(0, 3), mine[3]].join('.');
    expectVaultError(
      () => openProviderKey(oldKeyring, spliced, { ...context, workspaceId: 'w2' }),
      'decrypt_failed',
    );
    expectVaultError(() => openProviderKey(oldKeyring, spliced, context), 'decrypt_failed');
  });

  it.each([
    ['an empty workspace id', { ...context, workspaceId: '' }],
    ['a colon in the provider', { ...context, provider: 'openai:x' }],
  ])('rejects %s as invalid_context', (_, bad) => {
    expectVaultError(() => sealProviderKey(oldKeyring, providerKey, bad), 'invalid_context');
  });
});

describe('tampering', () => {
  const record = sealProviderKey(oldKeyring, providerKey, context).ciphertext;
  const [version, secretId, wrappedDek, sealedKey] = record.split('.') as [string, string, string, string];
  const flipByte = (part: string, index: number) => {
    const bytes = Buffer.from(part, 'base64url');
    bytes[index] = bytes[index]! ^ 0x01;
    return bytes.toString('base64url');
  };
  const dropBytes = (part: string, count: number) =>
    Buffer.from(part, 'base64url').subarray(0, -count).toString('base64url');
  const join = (...parts: string[]) => parts.join('.');
  const cases: Array<[string, string, VaultErrorCode]> = [
    ['version bumped', join('v2', secretId, wrappedDek, sealedKey), 'unsupported_version'],
    ['version garbled', join('x1', secretId, wrappedDek, sealedKey), 'malformed_record'],
    [
      'secret id changed',
      join(version, `${secretId.slice(0, 15)}${secretId.endsWith('0') ? '1' : '0'}`, wrappedDek, sealedKey),
      'unknown_secret',
    ],
    ['secret id not hex', join(version, 'XYZ', wrappedDek, sealedKey), 'malformed_record'],
    ['wrapped DEK IV', join(version, secretId, flipByte(wrappedDek, 0), sealedKey), 'decrypt_failed'],
    ['wrapped DEK tag', join(version, secretId, flipByte(wrappedDek, 12), sealedKey), 'decrypt_failed'],
    [
      'wrapped DEK ciphertext',
      join(version, secretId, flipByte(wrappedDek, 40), sealedKey),
      'decrypt_failed',
    ],
    [
      'wrapped DEK truncated',
      join(version, secretId, dropBytes(wrappedDek, 3), sealedKey),
      'malformed_record',
    ],
    ['key IV', join(version, secretId, wrappedDek, flipByte(sealedKey, 5)), 'decrypt_failed'],
    ['key tag', join(version, secretId, wrappedDek, flipByte(sealedKey, 20)), 'decrypt_failed'],
    ['key ciphertext', join(version, secretId, wrappedDek, flipByte(sealedKey, 30)), 'decrypt_failed'],
    [
      'key ciphertext truncated',
      join(version, secretId, wrappedDek, dropBytes(sealedKey, 3)),
      'decrypt_failed',
    ],
    [
      'key shorter than IV and tag',
      join(version, secretId, wrappedDek, sealedKey.slice(0, 20)),
      'malformed_record',
    ],
    ['base64url padding added', join(version, secretId, wrappedDek, `${sealedKey}=`), 'malformed_record'],
    [
      'a foreign character',
      join(version, secretId, `${wrappedDek.slice(0, 10)}+${wrappedDek.slice(11)}`, sealedKey),
      'malformed_record',
    ],
    ['a part missing', join(version, secretId, sealedKey), 'malformed_record'],
    ['an extra part', join(version, secretId, wrappedDek, sealedKey, 'AAAA'), 'malformed_record'],
    ['empty text', '', 'malformed_record'],
    ['plain text key', providerKey, 'malformed_record'],
  ];

  it.each(cases.map(([name, tampered, code]) => ({ name, tampered, code })))(
    '$name → $code',
    ({ tampered, code }) => {
      const error = expectVaultError(() => openProviderKey(oldKeyring, tampered, context), code);
      expect(error.message).not.toContain(providerKey);
      expect(error.message).not.toContain(sealedKey.slice(0, 8));
    },
  );
});

describe('rotation', () => {
  it('opens records of a previous secret', () => {
    const sealed = sealProviderKey(oldKeyring, providerKey, context);
    expect(openProviderKey(rotatingKeyring, sealed.ciphertext, context)).toBe(providerKey);
  });

  it('rewraps only the data key, then opens with the new secret alone', () => {
    const sealed = sealProviderKey(oldKeyring, providerKey, context);
    const rewrapped = rewrapProviderKey(rotatingKeyring, sealed.ciphertext);
    expect(rewrapped.secretId).toBe(rotatingKeyring.currentSecretId);
    expect(readSecretId(rewrapped.ciphertext)).toBe(rotatingKeyring.currentSecretId);
    expect(rewrapped.ciphertext.split('.')[3]).toBe(sealed.ciphertext.split('.')[3]);
    expect(openProviderKey(newOnlyKeyring, rewrapped.ciphertext, context)).toBe(providerKey);
    expectVaultError(() => openProviderKey(oldKeyring, rewrapped.ciphertext, context), 'unknown_secret');
  });

  it('is idempotent: a current record comes back unchanged', () => {
    const once = rewrapProviderKey(
      rotatingKeyring,
      sealProviderKey(oldKeyring, providerKey, context).ciphertext,
    );
    expect(rewrapProviderKey(rotatingKeyring, once.ciphertext)).toEqual(once);
    expect(rewrapProviderKey(newOnlyKeyring, once.ciphertext)).toEqual(once);
  });

  it('refuses to rewrap a record it cannot unwrap', () => {
    const sealed = sealProviderKey(oldKeyring, providerKey, context);
    expectVaultError(() => rewrapProviderKey(newOnlyKeyring, sealed.ciphertext), 'unknown_secret');
    const [version, secretId, wrappedDek, sealedKey] = sealed.ciphertext.split('.') as string[];
    const tampered = [
      version,
      secretId,
      `${wrappedDek!.slice(0, 40)}${wrappedDek![40] === 'A' ? 'B' : 'A'}${wrappedDek!.slice(41)}`,
      sealedKey,
    ].join('.');
    expectVaultError(() => rewrapProviderKey(rotatingKeyring, tampered), 'decrypt_failed');
  });
});

describe('properties', () => {
  it('round-trips any string through seal, rewrap and open', () => {
    const contextPart = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 600 }),
        contextPart,
        contextPart,
        (key, workspaceId, provider) => {
          const keyContext = { workspaceId, provider };
          const sealed = sealProviderKey(oldKeyring, key, keyContext);
          expect(openProviderKey(rotatingKeyring, sealed.ciphertext, keyContext)).toBe(key);
          const rewrapped = rewrapProviderKey(rotatingKeyring, sealed.ciphertext);
          expect(openProviderKey(newOnlyKeyring, rewrapped.ciphertext, keyContext)).toBe(key);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function expectVaultError(action: () => unknown, code: VaultErrorCode): VaultError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).code).toBe(code);
    return error as VaultError;
  }
  throw new Error(`expected a VaultError ${code}`);
}
