/**
 * The masked form of a provider key, the only trace of a key that leaves the vault (`maskedKey` in the
 * API and the audit log).
 */

/** Longest leading prefix shown; real prefixes are short markers such as `sk-` or `gsk_`. */
const MAX_PREFIX_LENGTH = 12;
const TAIL_LENGTH = 4;
const ELLIPSIS = '...';

/**
 * Masks a key as the contract says: its prefix up to and including the first `-` or `_`, then `...`,
 * then its last 4 characters (`sk-ant-api03-…wxyz` → `sk-...wxyz`, `gsk_…wxyz` → `gsk_...wxyz`).
 *
 * For keys that do not look like real ones, the mask gives away less, never more:
 * - no `-`/`_`, or the first one beyond the 12th character → no prefix: `...wxyz`;
 * - never more than half of the key is shown: a prefix that would pass half is dropped, and the tail
 *   shrinks below 4 characters (`abcdef` → `...def`, `sk-abcdefgh` → `sk-...gh`);
 * - lengths count Unicode code points, so a character is never cut in half.
 */
export function maskProviderKey(key: string): string {
  const characters = Array.from(key);
  const budget = Math.floor(characters.length / 2);
  const separatorIndex = characters.findIndex((character) => character === '-' || character === '_');
  const prefixLength = separatorIndex + 1;
  const isPrefixShown = prefixLength > 0 && prefixLength <= Math.min(MAX_PREFIX_LENGTH, budget);
  const prefix = isPrefixShown ? characters.slice(0, prefixLength).join('') : '';
  const tailLength = Math.min(TAIL_LENGTH, budget - prefix.length);
  const tail = tailLength > 0 ? characters.slice(-tailLength).join('') : '';
  return `${prefix}${ELLIPSIS}${tail}`;
}
