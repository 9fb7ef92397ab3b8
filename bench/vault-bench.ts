/**
 * Vault micro-benchmark: seal, open and rewrap of one provider key, with a warm keyring (KEKs derived),
 * and scrubbing of a typical provider error body.
 * Target: open ≤ 50 µs p50. Run alone with `npx tsx bench/vault-bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import {
  createKeyring,
  generateSecret,
  openProviderKey,
  rewrapProviderKey,
  scrubKeyMaterial,
  sealProviderKey,
  type KeyContext,
} from '../src/vault/index.js';

export interface VaultBenchResult {
  name: string;
  p50Us: number;
  p99Us: number;
  opsPerSec: number;
}

const WARMUP_ITERATIONS = 2_000;
const ITERATIONS = 20_000;

/** Measures each vault operation one call at a time and reports per-call percentiles in microseconds. */
export async function runVaultBench(): Promise<VaultBenchResult[]> {
  const oldSecret = generateSecret();
  const keyring = createKeyring({ currentSecret: generateSecret(), previousSecrets: [oldSecret] });
  const oldKeyring = createKeyring({ currentSecret: oldSecret });
  const context: KeyContext = { workspaceId: '6f1c2a9e-3b7d-4c1e-9a55-0d2f4e6b8c10', provider: 'anthropic' };
  const providerKey = `sk-ant-api03-${'x'.repeat(95)}`;
  const record = sealProviderKey(keyring, providerKey, context).ciphertext;
  const oldRecord = sealProviderKey(oldKeyring, providerKey, context).ciphertext;
  const errorBody = JSON.stringify({
    error: {
      message: `Incorrect API key provided: ${providerKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    },
  });

  return [
    measure('seal', () => sealProviderKey(keyring, providerKey, context)),
    measure('open', () => openProviderKey(keyring, record, context)),
    measure('rewrap', () => rewrapProviderKey(keyring, oldRecord)),
    measure('scrub 300-char error body', () => scrubKeyMaterial(errorBody, [providerKey])),
  ];
}

function measure(name: string, operation: () => unknown): VaultBenchResult {
  for (let index = 0; index < WARMUP_ITERATIONS; index += 1) operation();
  const samples = new Float64Array(ITERATIONS);
  const started = process.hrtime.bigint();
  for (let index = 0; index < ITERATIONS; index += 1) {
    const before = process.hrtime.bigint();
    operation();
    samples[index] = Number(process.hrtime.bigint() - before) / 1_000;
  }
  const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  samples.sort();
  return {
    name,
    p50Us: round(samples[Math.floor(ITERATIONS * 0.5)]!),
    p99Us: round(samples[Math.floor(ITERATIONS * 0.99)]!),
    opsPerSec: Math.round(ITERATIONS / totalSeconds),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

// pathToFileURL rather than a hand-built `file://` string, so paths with spaces still match.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await runVaultBench());
}
