/**
 * What anyone may see of a stored provider key: the mask and non-secret fields, through an explicit
 * mapping (never a row spread, so a new column can't leak by accident).
 */
import type { llmKeys, ProviderId } from '../../db/schema.js';
import { providerIds } from '../../db/schema.js';
import { isBudgetReached, normalizeUsd } from '../../money/usd.js';
import { defaultModelOf } from '../provider-catalog.js';
import type { ProviderErrorCode } from '../providers/provider-error.js';

export type LlmKeyRow = typeof llmKeys.$inferSelect;
export type KeyStatus = 'ok' | 'unused' | 'error' | 'disabled' | 'paused';
export { providerErrorCodes, type ProviderErrorCode } from '../providers/provider-error.js';

export interface LlmKeyView {
  provider: ProviderId;
  maskedKey: string;
  model: string | null;
  effectiveModel: string;
  enabled: boolean;
  status: KeyStatus;
  lastUsedAt: Date | null;
  lastError: { code: ProviderErrorCode; message: string; at: Date } | null;
  /** US dollars per calendar month (UTC); null = no budget. */
  monthlyBudgetUsd: string | null;
  spentThisMonthUsd: string;
  createdAt: Date;
  updatedAt: Date;
}

export function statusOf(
  row: Pick<LlmKeyRow, 'enabled' | 'lastErrorCode' | 'lastUsedAt' | 'lastVerifiedAt' | 'monthlyBudgetUsd'>,
  spentThisMonthUsd = '0',
): KeyStatus {
  if (!row.enabled) return 'disabled';
  if (isBudgetReached(spentThisMonthUsd, row.monthlyBudgetUsd)) return 'paused';
  if (row.lastErrorCode) return 'error';
  return row.lastUsedAt || row.lastVerifiedAt ? 'ok' : 'unused';
}

/** `spentThisMonthUsd`: the key row's spend this month (`readMonthSpend`). */
export function toLlmKeyView(row: LlmKeyRow, spentThisMonthUsd = '0'): LlmKeyView {
  return {
    provider: row.provider,
    maskedKey: row.maskedKey,
    model: row.model,
    effectiveModel: row.model ?? defaultModelOf(row.provider),
    enabled: row.enabled,
    status: statusOf(row, spentThisMonthUsd),
    lastUsedAt: row.lastUsedAt,
    lastError:
      row.lastErrorCode && row.lastErrorAt
        ? {
            code: row.lastErrorCode as ProviderErrorCode,
            message: row.lastErrorMessage ?? '',
            at: row.lastErrorAt,
          }
        : null,
    monthlyBudgetUsd: row.monthlyBudgetUsd === null ? null : normalizeUsd(row.monthlyBudgetUsd),
    spentThisMonthUsd,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * The provider that answers a workspace's next message: Anthropic if its key is enabled, else the first
 * enabled of OpenAI, Groq, DeepSeek; `platform` when none is (contract: "Which provider answers").
 */
export function chooseActiveRow<Row extends Pick<LlmKeyRow, 'provider' | 'enabled'>>(
  rows: readonly Row[],
): Row | null {
  for (const provider of providerIds) {
    const row = rows.find((candidate) => candidate.provider === provider && candidate.enabled);
    if (row) return row;
  }
  return null;
}
