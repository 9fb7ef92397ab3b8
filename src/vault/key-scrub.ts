/**
 * Removes key material from text that came from a provider (error bodies, messages) before it is stored
 * as `lastError` or logged: some providers echo the key, whole or with its middle starred, in 401 bodies.
 *
 * Every pattern is a flat character class or a fixed word followed by one, so matching is linear in the
 * text (no nested quantifiers, no backtracking blow-up).
 */

export const REDACTED = '[redacted]';

/** Known keys shorter than this are not searched for: no supported provider issues such keys. */
const MIN_KNOWN_KEY_LENGTH = 8;
/** A run of this many characters of a known key, anywhere in a token, redacts the whole token. */
const FRAGMENT_LENGTH = 8;
/**
 * Unknown tokens this long, mixing letters and digits, with an unbroken run of 16+ characters between
 * `-`/`_`, are treated as secrets. The run condition keeps UUIDs and model names such as
 * `claude-3-7-sonnet-20250219-thinking` readable; random base64url almost always has such a run.
 */
const LONG_TOKEN_LENGTH = 32;
const LONG_TOKEN_RUN = 16;

// A token is a maximal run of the characters keys are made of, plus `*` so starred echoes stay whole.
const TOKEN = /[A-Za-z0-9_*-]+/g;
const BEARER = /\b(Bearer)[ \t]+[A-Za-z0-9._~+/=-]+/gi;
// `sk-…` covers OpenAI (`sk-proj-`, `sk-svcacct-`), Anthropic (`sk-ant-`) and DeepSeek; `gsk_` is Groq.
const PROVIDER_KEY_SHAPE = /^(?:sk-|sk_|gsk_)[A-Za-z0-9_*-]{12,}$/;
const STARRED = /\*{3}/;
const HAS_LETTER = /[A-Za-z]/;
const HAS_DIGIT = /[0-9]/;

/**
 * Returns `text` with key material replaced by `[redacted]`:
 * - every occurrence of a known key;
 * - every token holding 8 or more consecutive characters of a known key (a truncated or starred echo,
 *   e.g. `sk-proj-****…abcd`);
 * - anything shaped like a provider key (`sk-…`, `sk-ant-…`, `sk-proj-…`, `gsk_…`), a starred key
 *   (`****abcd`), the token after `Bearer`, and long random-looking tokens (see `LONG_TOKEN_LENGTH`).
 * Ordinary sentences come back unchanged.
 */
export function scrubKeyMaterial(text: string, knownKeys: readonly string[]): string {
  const keys = knownKeys.filter((key) => key.length >= MIN_KNOWN_KEY_LENGTH);
  let scrubbed = text;
  // Whole keys first: a key holding characters outside the token class would escape the token pass.
  for (const key of keys) {
    if (scrubbed.includes(key)) scrubbed = scrubbed.split(key).join(REDACTED);
  }
  scrubbed = scrubbed.replace(BEARER, `$1 ${REDACTED}`);
  const fragments = collectFragments(keys);
  return scrubbed.replace(TOKEN, (token) => (isSecretToken(token, fragments) ? REDACTED : token));
}

function isSecretToken(token: string, fragments: ReadonlySet<string>): boolean {
  if (token.length < 4) return false;
  if (PROVIDER_KEY_SHAPE.test(token)) return true;
  if (STARRED.test(token) && token.replace(/\*/g, '').length >= 2) return true;
  if (token.length >= LONG_TOKEN_LENGTH && isHighEntropy(token)) return true;
  return containsFragment(token, fragments);
}

function isHighEntropy(token: string): boolean {
  if (!HAS_LETTER.test(token) || !HAS_DIGIT.test(token)) return false;
  let run = 0;
  for (const character of token) {
    run = character === '-' || character === '_' || character === '*' ? 0 : run + 1;
    if (run >= LONG_TOKEN_RUN) return true;
  }
  return false;
}

/** Every 8-character window of every known key, so a token is checked in one pass over its windows. */
function collectFragments(keys: readonly string[]): Set<string> {
  const fragments = new Set<string>();
  for (const key of keys) {
    for (let start = 0; start + FRAGMENT_LENGTH <= key.length; start += 1) {
      fragments.add(key.slice(start, start + FRAGMENT_LENGTH));
    }
  }
  return fragments;
}

function containsFragment(token: string, fragments: ReadonlySet<string>): boolean {
  if (fragments.size === 0) return false;
  for (let start = 0; start + FRAGMENT_LENGTH <= token.length; start += 1) {
    if (fragments.has(token.slice(start, start + FRAGMENT_LENGTH))) return true;
  }
  return false;
}
