/**
 * A key scope's own provider keys: add or replace (checked with the provider first), disable or
 * enable, change the model override (checked against the provider's list), delete, and a live test.
 * Keys are sealed by the vault, bound to their scope, before they touch the database; every change is
 * audited with the provider and the masked key only, and names the chatbot for a chatbot's keys.
 */
import { AppError, notFound } from '../../app-error.js';
import { recordAuditEntry, type AuditActor } from '../../audit/audit-log.js';
import type { Database } from '../../db/connect.js';
import { llmKeys, llmSettings } from '../../db/schema.js';
import {
  maskProviderKey,
  openProviderKey,
  sealProviderKey,
  VaultError,
  type Keyring,
} from '../../vault/index.js';
import { defaultModelOf, providerNameOf, type ProviderId } from '../provider-table.js';
import { isProviderError, ProviderError, type ProviderErrorCode } from '../providers/provider-error.js';
import { byKeyTarget, describeProviderFailure, recordKeyFailure, recordKeyVerified } from './key-health.js';
import { activeProviderOf, planAnswer } from './key-resolution.js';
import { auditScopeDetails, inScope, vaultContextOf, type KeyScope, type KeyTarget } from './key-scope.js';
import { toLlmKeyView, type LlmKeyView } from './llm-key-view.js';
import { settingsFromRow } from './llm-settings.js';
import type { ListModels } from './model-list-cache.js';
import { keySubject, raiseReachedThresholds, readMonthSpend } from '../../money/budgets.js';
import { normalizeUsd } from '../../money/usd.js';

export type { KeyScope, KeyTarget };

const keyNotFound = (provider: ProviderId) => notFound(`The ${providerNameOf(provider)} key`);

/** `undefined` keeps the stored override; empty → the provider default (null). */
function normalizeModel(model: string | null | undefined): string | null | undefined {
  if (model === undefined) return undefined;
  const trimmed = model?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

export async function listLlmKeys(
  db: Database,
  scope: KeyScope,
  options: { hasPlatformKey: boolean },
): Promise<{ keys: LlmKeyView[]; activeProvider: ProviderId | 'platform' | 'none' }> {
  const [rows, [settingsRow]] = await Promise.all([
    db.select().from(llmKeys).where(inScope(llmKeys, scope)),
    db.select().from(llmSettings).where(inScope(llmSettings, scope)).limit(1),
  ]);
  const settings = settingsFromRow(settingsRow);
  const rank = (provider: ProviderId) => settings.providerOrder.indexOf(provider);
  rows.sort((left, right) => rank(left.provider) - rank(right.provider));
  const plan = planAnswer({
    rows,
    settings,
    source: scope.chatbotId === null ? 'workspace' : 'chatbot',
    hasPlatformKey: options.hasPlatformKey,
  });
  const spent = await readMonthSpend(
    db,
    scope.workspaceId,
    rows.map((row) => keySubject(scope.chatbotId, row.provider)),
  );
  return {
    keys: rows.map((row) => toLlmKeyView(row, spent.get(keySubject(scope.chatbotId, row.provider)) ?? '0')),
    activeProvider: activeProviderOf(plan),
  };
}

/** What the provider said about a key, read before anything is stored. */
type KeyCheck = { ok: true; models: string[] } | { ok: false; failure: ProviderError };

async function checkWithProvider(
  listModels: ListModels,
  provider: ProviderId,
  apiKey: string,
  options: { fresh: boolean },
): Promise<KeyCheck> {
  try {
    return { ok: true, models: await listModels(provider, apiKey, options) };
  } catch (error) {
    const failure = isProviderError(error)
      ? error
      : new ProviderError({ provider, code: 'unknown', cause: error });
    return { ok: false, failure };
  }
}

interface KeyErrorState {
  code: ProviderErrorCode;
  message: string;
}

/** The row's error after a check: none, the provider's refusal, a check that could not run, or the model. */
function errorAfterCheck(
  check: KeyCheck,
  provider: ProviderId,
  apiKey: string,
  effectiveModel: string,
): KeyErrorState | null {
  if (!check.ok) {
    const described = describeProviderFailure(check.failure, apiKey);
    if (check.failure.code === 'invalid_key') return { code: 'invalid_key', message: described };
    return { code: check.failure.code, message: `The key could not be checked. ${described}` };
  }
  if (!check.models.includes(effectiveModel)) return modelNotListed(provider, effectiveModel);
  return null;
}

function modelNotListed(provider: ProviderId, model: string): KeyErrorState {
  return {
    code: 'model_not_found',
    message: `${providerNameOf(provider)} does not list the model "${model}" for this key.`,
  };
}

/**
 * Adds a key, or replaces the stored one — after the provider has seen it. A key the provider rejects is
 * refused with `key_rejected` and the stored key stays, unless `force` says to save it anyway. A key
 * that could not be checked (provider unreachable) is saved with the reason as its last error; a model
 * the provider does not list puts the row in error with `model_not_found`. A replacement keeps the
 * row's enabled flag and model override unless the request sets the model.
 */
export async function saveLlmKey(
  db: Database,
  keyring: Keyring,
  input: KeyTarget & { apiKey: string; model?: string | null; force?: boolean },
  actor: AuditActor,
  listModels: ListModels,
): Promise<LlmKeyView> {
  const check = await checkWithProvider(listModels, input.provider, input.apiKey, { fresh: true });
  if (!check.ok && check.failure.code === 'invalid_key' && !input.force) {
    throw new AppError('key_rejected', {
      message: `${providerNameOf(input.provider)} rejected this key, so it was not saved. ${describeProviderFailure(check.failure, input.apiKey)}`,
    });
  }
  const sealed = sealProviderKey(keyring, input.apiKey, vaultContextOf(input));
  const maskedKey = maskProviderKey(input.apiKey);
  const model = normalizeModel(input.model);
  return db.transaction(async (transaction) => {
    const [existing] = await transaction
      .select()
      .from(llmKeys)
      .where(byKeyTarget(input))
      .for('update')
      .limit(1);
    const now = new Date();
    const rowModel = model === undefined ? (existing?.model ?? null) : model;
    const error = errorAfterCheck(
      check,
      input.provider,
      input.apiKey,
      rowModel ?? defaultModelOf(input.provider),
    );
    const state = {
      ciphertext: sealed.ciphertext,
      secretId: sealed.secretId,
      maskedKey,
      model: rowModel,
      lastUsedAt: null,
      lastVerifiedAt: check.ok ? now : null,
      lastErrorCode: error?.code ?? null,
      lastErrorMessage: error?.message ?? null,
      lastErrorAt: error ? now : null,
      updatedAt: now,
    };
    const [row] = existing
      ? await transaction.update(llmKeys).set(state).where(byKeyTarget(input)).returning()
      : await transaction
          .insert(llmKeys)
          .values({
            workspaceId: input.workspaceId,
            chatbotId: input.chatbotId,
            provider: input.provider,
            ...state,
            createdAt: now,
          })
          .returning();
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
        ...(input.force && !check.ok ? { savedDespite: check.failure.code } : {}),
        ...auditScopeDetails(input),
      },
    });
    return toLlmKeyView(row!);
  });
}

/**
 * Disables, enables, changes the model override or the monthly budget; one audit entry per change. A new
 * model is checked against the provider's list for the stored key: unlisted → the row shows
 * `model_not_found`. A new budget applies to the next message on every instance (it is read when a
 * message starts); thresholds it is already over are alerted at once.
 */
export async function updateLlmKey(
  db: Database,
  keyring: Keyring,
  input: KeyTarget & { enabled?: boolean; model?: string | null; monthlyBudgetUsd?: string | null },
  actor: AuditActor,
  listModels: ListModels,
): Promise<LlmKeyView> {
  const model = normalizeModel(input.model);
  const modelError =
    model === undefined ? undefined : await checkModelForStoredKey(db, keyring, input, model, listModels);
  const subject = keySubject(input.chatbotId, input.provider);
  const view = await db.transaction(async (transaction) => {
    const [existing] = await transaction
      .select()
      .from(llmKeys)
      .where(byKeyTarget(input))
      .for('update')
      .limit(1);
    if (!existing) throw keyNotFound(input.provider);
    const now = new Date();
    const budget =
      input.monthlyBudgetUsd === undefined || input.monthlyBudgetUsd === null
        ? input.monthlyBudgetUsd
        : normalizeUsd(input.monthlyBudgetUsd);
    const changes = {
      ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      ...(model === undefined ? {} : { model }),
      ...(budget === undefined ? {} : { monthlyBudgetUsd: budget }),
      ...(modelError
        ? { lastErrorCode: modelError.code, lastErrorMessage: modelError.message, lastErrorAt: now }
        : {}),
      // The model the row was failing on is gone: so is that error.
      ...(modelError === null && existing.lastErrorCode === 'model_not_found'
        ? { lastErrorCode: null, lastErrorMessage: null, lastErrorAt: null }
        : {}),
    };
    const [row] = await transaction
      .update(llmKeys)
      .set({ ...changes, updatedAt: now })
      .where(byKeyTarget(input))
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
        details: { enabled: { before: existing.enabled, after: input.enabled }, ...auditScopeDetails(input) },
      });
    }
    if (model !== undefined && model !== existing.model) {
      await recordAuditEntry(transaction, {
        ...audit,
        action: 'llm_key.model_changed',
        details: { model: { before: existing.model, after: model }, ...auditScopeDetails(input) },
      });
    }
    const before = existing.monthlyBudgetUsd === null ? null : normalizeUsd(existing.monthlyBudgetUsd);
    if (budget !== undefined && budget !== before) {
      await recordAuditEntry(transaction, {
        ...audit,
        action: 'llm_key.budget_changed',
        details: { monthlyBudgetUsd: { before, after: budget }, ...auditScopeDetails(input) },
      });
    }
    const spent = await readMonthSpend(transaction, input.workspaceId, [subject]);
    return toLlmKeyView(row!, spent.get(subject) ?? '0');
  });
  if (input.monthlyBudgetUsd) {
    await raiseReachedThresholds(db, input.workspaceId, {
      subject,
      label: providerNameOf(input.provider),
      spentUsd: view.spentThisMonthUsd,
      budgetUsd: view.monthlyBudgetUsd!,
    });
  }
  return view;
}

/**
 * `null` when the provider lists the model, the error to store when it does not, `undefined` when the
 * list could not be read (the row keeps what it had: a failed lookup says nothing about the model).
 */
async function checkModelForStoredKey(
  db: Database,
  keyring: Keyring,
  target: KeyTarget,
  model: string | null,
  listModels: ListModels,
): Promise<KeyErrorState | null | undefined> {
  const apiKey = await openStoredKey(db, keyring, target);
  const check = await checkWithProvider(listModels, target.provider, apiKey, { fresh: false });
  if (!check.ok) return undefined;
  const effective = model ?? defaultModelOf(target.provider);
  return check.models.includes(effective) ? null : modelNotListed(target.provider, effective);
}

/** Removes the row and its ciphertext for good. Messages it served keep their history. */
export async function deleteLlmKey(db: Database, target: KeyTarget, actor: AuditActor): Promise<void> {
  await db.transaction(async (transaction) => {
    const [deleted] = await transaction
      .delete(llmKeys)
      .where(byKeyTarget(target))
      .returning({ maskedKey: llmKeys.maskedKey });
    if (!deleted) throw keyNotFound(target.provider);
    await recordAuditEntry(transaction, {
      workspaceId: target.workspaceId,
      actor,
      action: 'llm_key.deleted',
      provider: target.provider,
      maskedKey: deleted.maskedKey,
      details: auditScopeDetails(target),
    });
  });
}

export const UNOPENABLE_KEY_MESSAGE =
  'The stored key cannot be opened on this server (it was sealed for another workspace or provider, or with another secret). Add the key again.';

/** Opens a scope's stored key; for the provider call only, never for display. */
export async function openStoredKey(db: Database, keyring: Keyring, target: KeyTarget): Promise<string> {
  const [row] = await db
    .select({ ciphertext: llmKeys.ciphertext })
    .from(llmKeys)
    .where(byKeyTarget(target))
    .limit(1);
  if (!row) throw keyNotFound(target.provider);
  return openProviderKey(keyring, row.ciphertext, vaultContextOf(target));
}

/** The models the provider lists for the stored key (cached), for the admin's model choice. */
export async function listKeyModels(
  db: Database,
  keyring: Keyring,
  target: KeyTarget,
  listModels: ListModels,
): Promise<string[]> {
  const apiKey = await openStoredKey(db, keyring, target);
  const check = await checkWithProvider(listModels, target.provider, apiKey, { fresh: false });
  if (check.ok) return check.models;
  const described = describeProviderFailure(check.failure, apiKey);
  if (check.failure.code === 'invalid_key') throw new AppError('key_rejected', { message: described });
  throw new AppError('unavailable', {
    message: `${providerNameOf(target.provider)} did not list its models. ${described}`,
  });
}

/**
 * A live check of the stored key against the provider: the key, and the row's model in the list. The
 * result is stored on the row, so the table shows it.
 */
export async function testLlmKey(
  db: Database,
  keyring: Keyring,
  target: KeyTarget,
  listModels: ListModels,
): Promise<{ ok: boolean; lastError: LlmKeyView['lastError'] }> {
  const [row] = await db
    .select({ ciphertext: llmKeys.ciphertext, model: llmKeys.model })
    .from(llmKeys)
    .where(byKeyTarget(target))
    .limit(1);
  if (!row) throw keyNotFound(target.provider);
  let apiKey: string;
  try {
    apiKey = openProviderKey(keyring, row.ciphertext, vaultContextOf(target));
  } catch (error) {
    // A sealed value that does not open here (moved from another scope or provider, or sealed under a
    // secret this server no longer has) is a broken row, not a server fault: say so on the row.
    if (!(error instanceof VaultError)) throw error;
    const lastError = { code: 'unknown' as const, message: UNOPENABLE_KEY_MESSAGE, at: new Date() };
    await recordKeyFailure(db, target, lastError, lastError.at);
    return { ok: false, lastError };
  }
  const check = await checkWithProvider(listModels, target.provider, apiKey, { fresh: true });
  const error = errorAfterCheck(check, target.provider, apiKey, row.model ?? defaultModelOf(target.provider));
  if (!error) {
    await recordKeyVerified(db, target);
    return { ok: true, lastError: null };
  }
  const at = new Date();
  await recordKeyFailure(db, target, error, at);
  return { ok: false, lastError: { ...error, at } };
}
