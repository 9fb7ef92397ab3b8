/**
 * What anyone may see of a stored provider key: the mask and non-secret fields, through an explicit
 * mapping (never a row spread, so a new column can't leak by accident).
 */
import type { llmKeys } from '../../db/schema.js';
import { isBudgetReached, normalizeUsd } from '../../money/usd.js';
import { defaultModelOf, type ProviderId } from '../provider-table.js';
import type { ProviderErrorCode } from '../providers/provider-error.js';

export type LlmKeyRow = typeof llmKeys.$inferSelect;
export const keyStatuses = ['ok', 'unused', 'error', 'disabled', 'paused'] as const;
export type KeyStatus = (typeof keyStatuses)[number];
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

/** `paused` (its budget is used up) comes from the budget check; the rest from the row. */
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
