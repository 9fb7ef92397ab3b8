/** The LLM screen's banner while a key is failing or paused: what visitors see meanwhile, and what fixes it. */
import type { LlmKey } from '../api-types';
import { providerName } from '../format';
import { Notice } from './ui';

export function KeyHealthBanner({ keys }: { keys: LlmKey[] }) {
  const failing = keys.filter((row) => row.enabled && row.status === 'error');
  // `paused`: the key's monthly budget is used up (budgets are newer than this type's list of statuses).
  const paused = keys.filter((row) => row.enabled && (row.status as string) === 'paused');
  if (failing.length === 0 && paused.length === 0) return null;
  return (
    <>
      {failing.map((row) => (
        <Notice key={`failing-${row.provider}`} tone="error">
          <strong>Your {providerName(row.provider)} key is failing.</strong> Visitors whose messages it
          answers get your error message until it works again
          {row.lastError ? ` (last error: ${row.lastError.message})` : ''}. Replace the key or run Test once
          the problem is fixed.
        </Notice>
      ))}
      {paused.map((row) => (
        <Notice key={`paused-${row.provider}`} tone="warning">
          <strong>Your {providerName(row.provider)} key is paused:</strong> its monthly budget is used up.
          Visitors see your paused message until you raise or remove the budget.
        </Notice>
      ))}
    </>
  );
}
