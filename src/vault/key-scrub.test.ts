import { describe, expect, it } from 'vitest';
import { REDACTED, scrubKeyMaterial } from './key-scrub.js';

const canary = `sk-proj-Canary7x${'Q9w_E2r-T5y'.repeat(12)}Zz42`;
const anthropicKey = `sk-ant-api03-${'aB3dE6gH9jK2'.repeat(8)}-Xy12AA`;

describe('scrubKeyMaterial', () => {
  it('removes a canary key echoed in an OpenAI 401 body', () => {
    const body = JSON.stringify({
      error: {
        message: `Incorrect API key provided: ${canary}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const scrubbed = scrubKeyMaterial(body, [canary]);
    expect(scrubbed).not.toContain(canary);
    expect(scrubbed).not.toContain('Canary7x');
    expect(scrubbed).toContain(`Incorrect API key provided: ${REDACTED}.`);
    expect(scrubbed).toContain('"code":"invalid_api_key"');
    expect(scrubbed).toContain('https://platform.openai.com/account/api-keys');
  });

  const redacted: Array<[string, string, readonly string[], string]> = [
    ['a known key', `key ${canary} failed`, [canary], `key ${REDACTED} failed`],
    ['a known key twice', `${canary}|${canary}`, [canary], `${REDACTED}|${REDACTED}`],
    [
      'a known key with its middle starred',
      `provided: sk-proj-****************Zz42.`,
      [canary],
      `provided: ${REDACTED}.`,
    ],
    [
      'a known key with its middle cut',
      `provided: ${canary.slice(0, 20)}...${canary.slice(-4)}`,
      [canary],
      `provided: ${REDACTED}...Zz42`,
    ],
    ['a fragment of a known key', `saw ${canary.slice(30, 45)} in logs`, [canary], `saw ${REDACTED} in logs`],
    [
      'a known key with characters outside the token class',
      'key=abc.def/ghi+jkl',
      ['abc.def/ghi+jkl'],
      `key=${REDACTED}`,
    ],
    ['an unknown Anthropic key', `bad key ${anthropicKey}`, [], `bad key ${REDACTED}`],
    ['an unknown OpenAI key', 'bad key sk-abcdefghijklmnopqrstuvwx', [], `bad key ${REDACTED}`],
    ['an unknown Groq key', 'gsk_AbCdEfGhIjKlMnOpQrStUv rejected', [], `${REDACTED} rejected`],
    [
      'a DeepSeek starred echo',
      'Authentication Fails, Your api key: ****Zz42 is invalid',
      [],
      `Authentication Fails, Your api key: ${REDACTED} is invalid`,
    ],
    [
      'an OpenAI starred echo of an unknown key',
      'provided: sk-proj-*************abcd.',
      [],
      `provided: ${REDACTED}.`,
    ],
    [
      'a bearer token',
      'Authorization: Bearer eyJhbGciOi.J9xyz-abc_def.ghi+/=',
      [],
      `Authorization: Bearer ${REDACTED}`,
    ],
    ['a lowercase bearer token', 'header "bearer abc123"', [], `header "bearer ${REDACTED}"`],
    ['a long random token', 'token aZ3kLm9Qx2Vb7Nc4Rt8Yp1Ws6Ud0Fe5Gh is bad', [], `token ${REDACTED} is bad`],
  ];

  it.each(redacted)('redacts %s', (_, text, knownKeys, expected) => {
    expect(scrubKeyMaterial(text, knownKeys)).toBe(expected);
  });

  const unchanged: Array<[string, string]> = [
    ['a plain sentence', 'The model is overloaded, please try again later.'],
    [
      'a JSON error without keys',
      '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
    ],
    [
      'a rate-limit sentence',
      'Rate limit reached for gpt-4o-mini in organization org-abc on tokens per min (TPM): Limit 200000.',
    ],
    ['a model name', 'The model `claude-3-7-sonnet-20250219-thinking-extended` does not exist'],
    ['a UUID request id', 'request id 6f1c2a9e-3b7d-4c1e-9a55-0d2f4e6b8c10'],
    ['our own mask', 'key sk-...wxyz was rejected'],
    ['markdown bold', 'this is **important** text'],
    ['a long word without digits', 'internationalization_configuration_failure_reason'],
    ['an empty text', ''],
  ];

  it.each(unchanged)('leaves %s unchanged', (_, text) => {
    expect(scrubKeyMaterial(text, [canary, anthropicKey])).toBe(text);
  });

  it('ignores known keys too short to be credentials', () => {
    expect(scrubKeyMaterial('a b c', ['a', ''])).toBe('a b c');
  });

  it('stays linear on hostile input', () => {
    const hostile = [
      'Bearer '.repeat(20_000),
      `sk-${'-'.repeat(100_000)}!`,
      `${'*'.repeat(100_000)}a`,
      `Bearer ${' '.repeat(100_000)}!`,
      'a1'.repeat(100_000),
    ];
    for (const text of hostile) {
      const started = performance.now();
      scrubKeyMaterial(text, [canary, anthropicKey]);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});
