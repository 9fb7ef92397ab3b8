import { describe, expect, it } from 'vitest';
import { createCheckValue, verifyCheckValue } from './check-value.js';
import { rewrapProviderKey } from './envelope.js';
import { createKeyring, generateSecret } from './keyring.js';

describe('check value', () => {
  const oldSecret = generateSecret();
  const newSecret = generateSecret();
  const oldKeyring = createKeyring({ currentSecret: oldSecret });
  const { secretId, checkValue } = createCheckValue(oldKeyring);

  it('carries the current secret id and verifies under the same secret', () => {
    expect(secretId).toBe(oldKeyring.currentSecretId);
    expect(verifyCheckValue(oldKeyring, checkValue)).toBe(true);
  });

  it('verifies during a rotation, and with the new secret alone once rewrapped', () => {
    const rotating = createKeyring({ currentSecret: newSecret, previousSecrets: [oldSecret] });
    expect(verifyCheckValue(rotating, checkValue)).toBe(true);
    const rewrapped = rewrapProviderKey(rotating, checkValue);
    expect(verifyCheckValue(createKeyring({ currentSecret: newSecret }), rewrapped.ciphertext)).toBe(true);
  });

  it.each([
    ['another secret', createKeyring({ currentSecret: newSecret }), checkValue],
    ['a tampered value', oldKeyring, `${checkValue.slice(0, -2)}${checkValue.endsWith('AA') ? 'BA' : 'AA'}`],
    ['text that is no record', oldKeyring, 'not a record'],
  ])('is false for %s', (_, keyring, value) => {
    expect(verifyCheckValue(keyring, value)).toBe(false);
  });
});
