/**
 * Comparing decimal strings of US dollars exactly, as scaled integers (12 decimals, more than any stored
 * cost has), for the few decisions made outside SQL — never through floats.
 */
const SCALE = 12;

function toScaled(value: string): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace(/^[-+]/, '').split('.');
  const scaled = BigInt((whole || '0') + fraction.padEnd(SCALE, '0').slice(0, SCALE));
  return negative ? -scaled : scaled;
}

/** Negative when `left` < `right`, zero when equal, positive when greater. */
export function compareUsd(left: string, right: string): number {
  const difference = toScaled(left) - toScaled(right);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** True when a budget is set and the spend has reached it. */
export function isBudgetReached(spentUsd: string, monthlyBudgetUsd: string | null): boolean {
  return monthlyBudgetUsd !== null && compareUsd(spentUsd, monthlyBudgetUsd) >= 0;
}

/** `"50.00"` → `"50"`, `"0.250"` → `"0.25"`: one spelling per amount. */
export function normalizeUsd(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value.replace(/^0+(?=\d)/, '');
}

/** The thresholds (percent of a budget) that a spend has reached. */
export function thresholdsReached(
  spentUsd: string,
  monthlyBudgetUsd: string,
  thresholds: readonly number[],
): number[] {
  const spent = toScaled(spentUsd) * 100n;
  const budget = toScaled(monthlyBudgetUsd);
  return thresholds.filter((percent) => spent >= budget * BigInt(percent));
}
