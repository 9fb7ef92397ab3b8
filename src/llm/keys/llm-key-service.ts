/**
 * Workspaces' own provider keys: add or replace, disable or enable, change the model override, delete,
 * and a live test. Keys are sealed by the vault before they touch the database; every change is audited
 * with the provider and the masked key only.
 */
import { and, eq } from 'drizzle-orm';
import { notFound } from '../../app-error.js';
import { recordAuditEntry, type AuditActor } from '../../audit/audit-log.js';
import type { Database } from '../../db/connect.js';
import { llmKeys, type ProviderId } from '../../db/schema.js';
import {
  maskProviderKey,
  openProviderKey,
  sealProviderKey,
  VaultError,
  type Keyring,
} from '../../vault/index.js';
import { providerDisplayNames } from '../provider-catalog.js';
import { describeProviderFailure, recordKeyFailure, recordKeyVerified } from './key-health.js';
import { isProviderError, ProviderError } from '../providers/provider-error.js';
import { keySubject, raiseReachedThresholds, readMonthSpend } from '../../money/budgets.js';
import { normalizeUsd } from '../../money/usd.js';
import { chooseActiveRow, toLlmKeyView, type LlmKeyView } from './llm-key-view.js';

export interface KeyTarget {
  workspaceId: string;
  provider: ProviderId;
}

const byTarget = (target: KeyTarget) =>
  and(eq(llmKeys.workspaceId, target.workspaceId), eq(llmKeys.provider, target.provider));

const keyNotFound = (provider: ProviderId) => notFound(`The ${providerDisplayNames[provider]} key`);

/** `undefined` keeps the stored override; empty → the provider default (null). */
function normalizeModel(model: string | null | undefined): string | null | undefined {
  if (model === undefined) return undefined;
  const trimmed = model?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

export async function listLlmKeys(
  db: Database,
  workspaceId: string,
): Promise<{ keys: LlmKeyView[]; activeProvider: ProviderId | 'platform' }> {
  const rows = await db.select().from(llmKeys).where(eq(llmKeys.workspaceId, workspaceId));
  const order = ['anthropic', 'openai', 'groq', 'deepseek'];
  rows.sort((left, right) => order.indexOf(left.provider) - order.indexOf(right.provider));
  const spent = await readMonthSpend(
    db,
    workspaceId,
    rows.map((row) => keySubject('workspace', row.provider)),
  );
  return {
    keys: rows.map((row) => toLlmKeyView(row, spent.get(keySubject('workspace', row.provider)) ?? '0')),
    activeProvider: chooseActiveRow(rows)?.provider ?? 'platform',
  };
}

/**
 * Adds a key, or replaces the stored one. A replacement keeps the row's enabled flag and model override
 * unless the request sets the model, and clears the last error: it is a new key.
 */
export async function saveLlmKey(
  db: Database,
  keyring: Keyring,
  input: KeyTarget & { apiKey: string; model?: string | null },
  actor: AuditActor,
): Promise<LlmKeyView> {
  const sealed = sealProviderKey(keyring, input.apiKey, input);
  const maskedKey = maskProviderKey(input.apiKey);
  const model = normalizeModel(input.model);
  return db.transaction(async (transaction) => {
    const [existing] = await transaction.select().from(llmKeys).where(byTarget(input)).for('update').limit(1);
    const now = new Date();
    const secretFields = { ciphertext: sealed.ciphertext, secretId: sealed.secretId, maskedKey };
    const freshState = {
      lastUsedAt: null,
      lastVerifiedAt: null,
      lastErrorCode: null,
      lastErrorMessage: null,
      lastErrorAt: null,
    };
    let row;
    if (existing) {
      [row] = await transaction
        .update(llmKeys)
        .set({ ...secretFields, ...freshState, ...(model === undefined ? {} : { model }), updatedAt: now })
        .where(byTarget(input))
        .returning();
    } else {
      [row] = await transaction
        .insert(llmKeys)
        .values({
          workspaceId: input.workspaceId,
          provider: input.provider,
          ...secretFields,
          model: model ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
    }
    await recordAuditEntry(transaction, {
      workspaceId: input.workspaceId,
      actor,
      action: existing ? 'llm_key.replaced' : 'llm_key.added',
      provider: input.provider,
      maskedKey,
      details: {
        ...(existing ? { previousMaskedKey: existing.maskedKey } : {}),
        model: { before: existing?.model ?? null, after: row!.model },
        enabled: { before: existing?.enabled ?? null, after: row!.enabled },
      },
    });
    return toLlmKeyView(row!);
  });
}

/**
 * Disables, enables, changes the model override or the monthly budget; one audit entry per change. A new
 * budget applies to the next message on every instance (it is read when a message starts); thresholds
 * it is already over are alerted at once.
 */
export async function updateLlmKey(
  db: Database,
  input: KeyTarget & { enabled?: boolean; model?: string | null; monthlyBudgetUsd?: string | null },
  actor: AuditActor,
): Promise<LlmKeyView> {
  const model = normalizeModel(input.model);
  const subject = keySubject('workspace', input.provider);
  const view = await db.transaction(async (transaction) => {
    const [existing] = await transaction.select().from(llmKeys).where(byTarget(input)).for('update').limit(1);
    if (!existing) throw keyNotFound(input.provider);
    const budget =
      input.monthlyBudgetUsd === undefined || input.monthlyBudgetUsd === null
        ? input.monthlyBudgetUsd
        : normalizeUsd(input.monthlyBudgetUsd);
    const changes = {
      ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      ...(model === undefined ? {} : { model }),
      ...(budget === undefined ? {} : { monthlyBudgetUsd: budget }),
    };
    const [row] = await transaction
      .update(llmKeys)
      .set({ ...changes, updatedAt: new Date() })
      .where(byTarget(input))
      .returning();
    const audit = {
      workspaceId: input.workspaceId,
      actor,
      provider: input.provider,
      maskedKey: existing.maskedKey,
    };
    if (input.enabled !== undefined && input.enabled !== existing.enabled) {
      await recordAuditEntry(transaction, {
        ...audit,
        action: input.enabled ? 'llm_key.enabled' : 'llm_key.disabled',
        details: { enabled: { before: existing.enabled, after: input.enabled } },
      });
    }
    if (model !== undefined && model !== existing.model) {
      await recordAuditEntry(transaction, {
        ...audit,
        action: 'llm_key.model_changed',
        details: { model: { before: existing.model, after: model } },
      });
    }
    const before = existing.monthlyBudgetUsd === null ? null : normalizeUsd(existing.monthlyBudgetUsd);
    if (budget !== undefined && budget !== before) {
      await recordAuditEntry(transaction, {
        ...audit,
        action: 'llm_key.budget_changed',
        details: { monthlyBudgetUsd: { before, after: budget } },
      });
    }
    const spent = await readMonthSpend(transaction, input.workspaceId, [subject]);
    return toLlmKeyView(row!, spent.get(subject) ?? '0');
  });
  if (input.monthlyBudgetUsd) {
    await raiseReachedThresholds(db, input.workspaceId, {
      subject,
      label: providerDisplayNames[input.provider],
      spentUsd: view.spentThisMonthUsd,
      budgetUsd: view.monthlyBudgetUsd!,
    });
  }
  return view;
}

/** Removes the row and its ciphertext for good. Messages it served keep their history. */
export async function deleteLlmKey(db: Database, target: KeyTarget, actor: AuditActor): Promise<void> {
  await db.transaction(async (transaction) => {
    const [deleted] = await transaction
      .delete(llmKeys)
      .where(byTarget(target))
      .returning({ maskedKey: llmKeys.maskedKey });
    if (!deleted) throw keyNotFound(target.provider);
    await recordAuditEntry(transaction, {
      workspaceId: target.workspaceId,
      actor,
      action: 'llm_key.deleted',
      provider: target.provider,
      maskedKey: deleted.maskedKey,
    });
  });
}

export const UNOPENABLE_KEY_MESSAGE =
  'The stored key cannot be opened on this server (it was sealed for another workspace or provider, or with another secret). Add the key again.';

/** Opens a workspace's stored key; for the provider call only, never for display. */
export async function openStoredKey(db: Database, keyring: Keyring, target: KeyTarget): Promise<string> {
  const [row] = await db
    .select({ ciphertext: llmKeys.ciphertext })
    .from(llmKeys)
    .where(byTarget(target))
    .limit(1);
  if (!row) throw keyNotFound(target.provider);
  return openProviderKey(keyring, row.ciphertext, target);
}

/**
 * A live check of the stored key against the provider. `checkKey` resolves when the provider accepts
 * the key and rejects with a `ProviderError` otherwise.
 */
export async function testLlmKey(
  db: Database,
  keyring: Keyring,
  target: KeyTarget,
  checkKey: (apiKey: string) => Promise<void>,
): Promise<{ ok: boolean; lastError: LlmKeyView['lastError'] }> {
  let apiKey: string;
  try {
    apiKey = await openStoredKey(db, keyring, target);
  } catch (error) {
    // A sealed value that does not open here (moved from another workspace or provider, or sealed under
    // a secret this server no longer has) is a broken row, not a server fault: say so on the row.
    if (!(error instanceof VaultError)) throw error;
    const lastError = { code: 'unknown' as const, message: UNOPENABLE_KEY_MESSAGE, at: new Date() };
    await recordKeyFailure(db, target, lastError, lastError.at);
    return { ok: false, lastError };
  }
  try {
    await checkKey(apiKey);
    await recordKeyVerified(db, target);
    return { ok: true, lastError: null };
  } catch (error) {
    const failure = isProviderError(error)
      ? error
      : new ProviderError({ provider: target.provider, code: 'unknown', cause: error });
    const message = describeProviderFailure(failure, apiKey);
    const at = new Date();
    await recordKeyFailure(db, target, { code: failure.code, message }, at);
    return { ok: false, lastError: { code: failure.code, message, at } };
  }
}
