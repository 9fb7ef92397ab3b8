/**
 * A key scope's settings (contract: "Which provider answers"): the order providers are tried in, whether
 * BestAI's platform key may answer when none of the scope's keys can, and the owner's explicit fallback.
 * A scope without a row has the defaults. Every change is audited in the same transaction.
 */
import { recordAuditEntry, type AuditActor } from '../../audit/audit-log.js';
import type { Database } from '../../db/connect.js';
import { llmSettings } from '../../db/schema.js';
import { providerIds, type ProviderId } from '../provider-table.js';
import { auditScopeDetails, inScope, type KeyScope } from './key-scope.js';

/** The failures an owner may let move a message on to the next candidate. */
export const fallbackCodes = [
  'invalid_key',
  'quota_exceeded',
  'rate_limited',
  'provider_unavailable',
  'model_not_found',
  'budget_exhausted',
] as const;
export type FallbackCode = (typeof fallbackCodes)[number];

export interface LlmSettings {
  providerOrder: ProviderId[];
  usePlatformKey: boolean;
  fallback: { enabled: boolean; on: FallbackCode[] };
}

export function defaultLlmSettings(): LlmSettings {
  return { providerOrder: [...providerIds], usePlatformKey: true, fallback: { enabled: false, on: [] } };
}

/**
 * Every provider exactly once: the stored order first (unknown or repeated ids dropped), then any
 * provider it does not name yet in the table's order — so a provider added later has a place.
 */
export function completeProviderOrder(order: readonly string[]): ProviderId[] {
  const known = new Set<string>(providerIds);
  const result: ProviderId[] = [];
  for (const id of order) {
    if (known.has(id) && !result.includes(id as ProviderId)) result.push(id as ProviderId);
  }
  for (const id of providerIds) if (!result.includes(id)) result.push(id);
  return result;
}

/** Settings from a stored row (or none), as the API and the resolution read them. */
export function settingsFromRow(
  row:
    | {
        providerOrder: readonly string[];
        usePlatformKey: boolean;
        fallbackEnabled: boolean;
        fallbackOn: readonly string[];
      }
    | null
    | undefined,
): LlmSettings {
  if (!row) return defaultLlmSettings();
  const allowed = new Set<string>(fallbackCodes);
  return {
    providerOrder: completeProviderOrder(row.providerOrder),
    usePlatformKey: row.usePlatformKey,
    fallback: {
      enabled: row.fallbackEnabled,
      on: fallbackCodes.filter((code) => row.fallbackOn.includes(code) && allowed.has(code)),
    },
  };
}

export async function readLlmSettings(db: Database, scope: KeyScope): Promise<LlmSettings> {
  const [row] = await db.select().from(llmSettings).where(inScope(llmSettings, scope)).limit(1);
  return settingsFromRow(row);
}

export interface LlmSettingsChange {
  providerOrder?: ProviderId[];
  usePlatformKey?: boolean;
  fallback?: { enabled?: boolean; on?: FallbackCode[] };
}

/** Applies a partial change; one audit entry with the before and after of what changed. */
export async function updateLlmSettings(
  db: Database,
  scope: KeyScope,
  change: LlmSettingsChange,
  actor: AuditActor,
): Promise<LlmSettings> {
  return db.transaction(async (transaction) => {
    const [row] = await transaction
      .select()
      .from(llmSettings)
      .where(inScope(llmSettings, scope))
      .for('update')
      .limit(1);
    const before = settingsFromRow(row);
    const after: LlmSettings = {
      providerOrder: change.providerOrder
        ? completeProviderOrder(change.providerOrder)
        : before.providerOrder,
      usePlatformKey: change.usePlatformKey ?? before.usePlatformKey,
      fallback: {
        enabled: change.fallback?.enabled ?? before.fallback.enabled,
        on: change.fallback?.on
          ? fallbackCodes.filter((code) => change.fallback!.on!.includes(code))
          : before.fallback.on,
      },
    };
    const values = {
      providerOrder: after.providerOrder,
      usePlatformKey: after.usePlatformKey,
      fallbackEnabled: after.fallback.enabled,
      fallbackOn: after.fallback.on,
      updatedAt: new Date(),
    };
    if (row) {
      await transaction.update(llmSettings).set(values).where(inScope(llmSettings, scope));
    } else {
      await transaction
        .insert(llmSettings)
        .values({ workspaceId: scope.workspaceId, chatbotId: scope.chatbotId, ...values });
    }
    const changed = changedSettings(before, after);
    if (Object.keys(changed).length > 0) {
      await recordAuditEntry(transaction, {
        workspaceId: scope.workspaceId,
        actor,
        action: 'llm_settings.changed',
        details: { ...changed, ...auditScopeDetails(scope) },
      });
    }
    return after;
  });
}

function changedSettings(before: LlmSettings, after: LlmSettings): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const same = (left: unknown, right: unknown) => JSON.stringify(left) === JSON.stringify(right);
  if (!same(before.providerOrder, after.providerOrder)) {
    changes.providerOrder = { before: before.providerOrder, after: after.providerOrder };
  }
  if (before.usePlatformKey !== after.usePlatformKey) {
    changes.usePlatformKey = { before: before.usePlatformKey, after: after.usePlatformKey };
  }
  if (!same(before.fallback, after.fallback)) {
    changes.fallback = { before: before.fallback, after: after.fallback };
  }
  return changes;
}
