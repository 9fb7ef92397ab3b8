/**
 * A workspace's price list: the prices BestAI ships, with the workspace's own prices over them, and the
 * models the workspace uses that have no price at all ("price unknown — add it"). Setting and removing a
 * workspace price is audited in the same transaction.
 */
import { and, eq, sql } from 'drizzle-orm';
import { notFound } from '../app-error.js';
import { recordAuditEntry, type AuditActor } from '../audit/audit-log.js';
import type { Database } from '../db/connect.js';
import { llmKeys, modelPrices, usageDays, type ProviderId } from '../db/schema.js';
import { defaultModelOf } from '../llm/provider-table.js';
import { defaultPrices, findDefaultPrice, type ModelPrice, type Usd } from './default-prices.js';

export interface PriceView extends ModelPrice {
  source: 'default' | 'workspace';
  /** Where a default was read; null for a workspace price. */
  sourceUrl: string | null;
}

export interface PriceList {
  prices: PriceView[];
  /** Models this workspace uses (a key's model, or seen in the last 90 days) with no price. */
  unknownModels: Array<{ provider: string; model: string }>;
}

export interface PriceInput {
  provider: ProviderId;
  model: string;
  inputPerMTok: Usd;
  outputPerMTok: Usd;
  cacheReadPerMTok?: Usd | null;
  cacheWritePerMTok?: Usd | null;
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const pairKey = (provider: string, model: string) => `${provider}\n${model}`;
/** numeric → text without trailing zeros (`0.150` → `0.15`), as the API shows money. */
const usdText = (column: unknown) => sql<string>`trim_scale(${column})::text`;

async function readWorkspacePrices(db: Database, workspaceId: string): Promise<PriceView[]> {
  const rows = await db
    .select({
      provider: modelPrices.provider,
      model: modelPrices.model,
      inputPerMTok: usdText(modelPrices.inputPerMTok),
      outputPerMTok: usdText(modelPrices.outputPerMTok),
      cacheReadPerMTok: usdText(modelPrices.cacheReadPerMTok),
      cacheWritePerMTok: usdText(modelPrices.cacheWritePerMTok),
      updatedAt: modelPrices.updatedAt,
    })
    .from(modelPrices)
    .where(eq(modelPrices.workspaceId, workspaceId));
  return rows.map(({ updatedAt, ...row }) => ({
    ...row,
    source: 'workspace',
    asOf: dayOf(updatedAt),
    sourceUrl: null,
  }));
}

/** Models in use: each key's model (or its provider's default) and those that answered lately. */
async function readModelsInUse(db: Database, workspaceId: string): Promise<Array<[string, string]>> {
  const since = dayOf(new Date(Date.now() - 90 * 24 * 60 * 60 * 1000));
  const keyModels = await db
    .select({ provider: llmKeys.provider, model: llmKeys.model })
    .from(llmKeys)
    .where(eq(llmKeys.workspaceId, workspaceId));
  const answered = await db
    .selectDistinct({ provider: usageDays.provider, model: usageDays.model })
    .from(usageDays)
    .where(and(eq(usageDays.workspaceId, workspaceId), sql`${usageDays.day} >= ${since}::date`));
  return [
    ...keyModels.map(({ provider, model }): [string, string] => [
      provider,
      model ?? defaultModelOf(provider),
    ]),
    ...answered
      .filter(({ model }) => model !== '')
      .map(({ provider, model }): [string, string] => [provider, model]),
  ];
}

export async function listPrices(db: Database, workspaceId: string): Promise<PriceList> {
  const own = await readWorkspacePrices(db, workspaceId);
  const owned = new Set(own.map((price) => pairKey(price.provider, price.model)));
  const shipped: PriceView[] = defaultPrices
    .filter((price) => !owned.has(pairKey(price.provider, price.model)))
    .map((price) => ({ ...price, source: 'default' }));
  const unknown = new Map<string, { provider: string; model: string }>();
  for (const [provider, model] of await readModelsInUse(db, workspaceId)) {
    if (owned.has(pairKey(provider, model)) || findDefaultPrice(provider, model)) continue;
    unknown.set(pairKey(provider, model), { provider, model });
  }
  const order = (left: PriceView, right: PriceView) =>
    left.provider.localeCompare(right.provider) || left.model.localeCompare(right.model);
  return { prices: [...own, ...shipped].sort(order), unknownModels: [...unknown.values()] };
}

/** Sets (or replaces) the workspace's price for a model; it applies to replies stored from now on. */
export async function setWorkspacePrice(
  db: Database,
  workspaceId: string,
  price: PriceInput,
  actor: AuditActor,
): Promise<void> {
  const perMTok = {
    inputPerMTok: price.inputPerMTok,
    outputPerMTok: price.outputPerMTok,
    cacheReadPerMTok: price.cacheReadPerMTok ?? null,
    cacheWritePerMTok: price.cacheWritePerMTok ?? null,
  };
  const values = { ...perMTok, updatedAt: new Date() };
  await db.transaction(async (tx) => {
    await tx
      .insert(modelPrices)
      .values({ workspaceId, provider: price.provider, model: price.model, ...values })
      .onConflictDoUpdate({
        target: [modelPrices.workspaceId, modelPrices.provider, modelPrices.model],
        set: values,
      });
    await recordAuditEntry(tx, {
      workspaceId,
      actor,
      action: 'price.set',
      provider: price.provider,
      details: { model: price.model, ...perMTok },
    });
  });
}

/** Removes the workspace's price for a model: the shipped price (if any) applies again. */
export async function removeWorkspacePrice(
  db: Database,
  workspaceId: string,
  target: { provider: ProviderId; model: string },
  actor: AuditActor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(modelPrices)
      .where(
        and(
          eq(modelPrices.workspaceId, workspaceId),
          eq(modelPrices.provider, target.provider),
          eq(modelPrices.model, target.model),
        ),
      )
      .returning({ model: modelPrices.model });
    if (removed.length === 0) throw notFound('A workspace price for this model');
    await recordAuditEntry(tx, {
      workspaceId,
      actor,
      action: 'price.removed',
      provider: target.provider,
      details: { model: target.model },
    });
  });
}
