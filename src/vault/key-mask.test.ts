import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskProviderKey } from './key-mask.js';

describe('maskProviderKey', () => {
  const cases: Array<[string, string, string]> = [
    ['Anthropic', `sk-ant-api03-${'x'.repeat(90)}-AbCd`, 'sk-...AbCd'],
    ['OpenAI project', `sk-proj-${'y'.repeat(150)}wxyz`, 'sk-...wxyz'],
    ['OpenAI legacy', `sk-${'z'.repeat(44)}9876`, 'sk-...9876'],
    ['Groq', `gsk_${'g'.repeat(48)}QRST`, 'gsk_...QRST'],
    ['DeepSeek', `sk-${'d'.repeat(28)}beef`, 'sk-...beef'],
    ['underscore before dash', `my_key-${'a'.repeat(20)}1234`, 'my_...1234'],
    ['no separator', `${'n'.repeat(30)}5678`, '...5678'],
    ['prefix of exactly 12', `abcdefghijk-${'a'.repeat(20)}1234`, 'abcdefghijk-...1234'],
    ['prefix longer than 12', `abcdefghijkl-${'a'.repeat(20)}1234`, '...1234'],
    ['separator at the very start', `-${'a'.repeat(20)}1234`, '-...1234'],
    ['12 characters', 'sk-abcde1234', 'sk-...234'],
    ['11 characters', 'sk-abcdef12', 'sk-...12'],
    ['8 characters, no separator', 'abcd1234', '...1234'],
    ['6 characters', 'abcdef', '...def'],
    ['short with a long prefix', 'abcde-fg', '...e-fg'],
    ['prefix uses the whole budget', 'ab-cde', 'ab-...'],
    ['1 character', 'x', '...'],
    ['empty', '', '...'],
    ['unicode is not cut in half', '🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑', '...🔑🔑🔑🔑'],
  ];

  it.each(cases)('%s → %s', (_, key, expected) => {
    expect(maskProviderKey(key)).toBe(expected);
  });

  it('never shows more than a prefix of 12 and the last 4, nor more than half the key', () => {
    const keyCharacter = fc.constantFrom(...'abcXYZ0189-_'.split(''));
    fc.assert(
      fc.property(fc.array(keyCharacter, { maxLength: 200 }), (characters) => {
        const key = characters.join('');
        const mask = maskProviderKey(key);
        const [prefix, tail] = mask.split('...') as [string, string];
        expect(mask).toBe(`${prefix}...${tail}`);
        expect(key.startsWith(prefix)).toBe(true);
        expect(key.endsWith(tail)).toBe(true);
        expect(prefix.length).toBeLessThanOrEqual(12);
        expect(tail.length).toBeLessThanOrEqual(4);
        expect(prefix.length + tail.length).toBeLessThanOrEqual(Math.floor(key.length / 2));
        // A shown prefix is exactly the contract's: up to and including the first separator.
        if (prefix !== '') expect(prefix).toMatch(/^[^-_]*[-_]$/);
      }),
      { numRuns: 1000 },
    );
  });
});
