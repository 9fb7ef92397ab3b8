/**
 * Which key answers a message (contract: "Which provider answers"), decided from what was stored when
 * the message started — so a reply in flight keeps its key and the next message sees a change, on every
 * instance. Pure: the hot path reads the rows and settings in its one statement and passes them here.
 *
 *   candidates: the scope's enabled keys in the scope's `providerOrder`, each with its model override or
 *               the provider default. A key paused by its budget stays a candidate (it fails at once).
 *   no enabled key: BestAI's platform key, only if the scope allows it and this server has one;
 *               otherwise nobody answers.
 * The platform key is never a candidate after a failure; moving on to the next candidate is the caller's
 * job, and only for the failure codes the owner chose.
 */
import { defaultModelOf, platformProviderId, type ProviderId } from '../provider-table.js';
import type { LlmSettings } from './llm-settings.js';

/** What resolution needs of a scope's stored key rows. */
export interface ScopeKeyRow {
  provider: ProviderId;
  enabled: boolean;
  ciphertext: string;
  model: string | null;
  maskedKey: string;
  /** At or over its monthly budget: tried, but fails with `budget_exhausted` without calling the provider. */
  isPaused?: boolean;
}

export type KeySource = 'workspace' | 'chatbot';

export interface KeyCandidate {
  source: KeySource;
  provider: ProviderId;
  model: string;
  maskedKey: string;
  ciphertext: string;
  isPaused: boolean;
}

export type AnswerPlan =
  | { kind: 'keys'; candidates: KeyCandidate[] }
  | { kind: 'platform'; provider: ProviderId; model: string }
  /** Nothing can answer: no enabled key, and the platform key is switched off or not configured. */
  | { kind: 'none'; reason: 'platform_key_off' | 'no_platform_key' };

export interface PlanInput {
  rows: readonly ScopeKeyRow[];
  settings: Pick<LlmSettings, 'providerOrder' | 'usePlatformKey'>;
  source: KeySource;
  hasPlatformKey: boolean;
}

/** The scope's enabled keys, first choice first. */
export function orderCandidates<Row extends Pick<ScopeKeyRow, 'provider' | 'enabled'>>(
  rows: readonly Row[],
  providerOrder: readonly ProviderId[],
): Row[] {
  const rank = (provider: ProviderId) => {
    const index = providerOrder.indexOf(provider);
    return index === -1 ? providerOrder.length : index;
  };
  return rows.filter((row) => row.enabled).sort((left, right) => rank(left.provider) - rank(right.provider));
}

export function planAnswer(input: PlanInput): AnswerPlan {
  const candidates = orderCandidates(input.rows, input.settings.providerOrder).map((row) => ({
    source: input.source,
    provider: row.provider,
    model: row.model ?? defaultModelOf(row.provider),
    maskedKey: row.maskedKey,
    ciphertext: row.ciphertext,
    isPaused: row.isPaused ?? false,
  }));
  if (candidates.length > 0) return { kind: 'keys', candidates };
  if (!input.settings.usePlatformKey) return { kind: 'none', reason: 'platform_key_off' };
  if (!input.hasPlatformKey) return { kind: 'none', reason: 'no_platform_key' };
  return { kind: 'platform', provider: platformProviderId, model: defaultModelOf(platformProviderId) };
}

/** What the admin shows as the provider of the next message: a provider, `platform`, or `none`. */
export function activeProviderOf(plan: AnswerPlan): ProviderId | 'platform' | 'none' {
  if (plan.kind === 'keys') return plan.candidates[0]!.provider;
  return plan.kind === 'platform' ? 'platform' : 'none';
}
