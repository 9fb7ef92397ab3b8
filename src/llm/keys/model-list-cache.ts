/**
 * The models a provider lists for a key, remembered for 10 minutes per process: the admin's model
 * choice and each save ask for them, and a provider's list changes rarely. Keyed by a hash of the key,
 * so no key sits in memory longer than the request that used it.
 */
import { createHash } from 'node:crypto';
import type { ProviderId } from '../provider-table.js';

export const MODEL_LIST_TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 1_000;

/** `fresh`: ask the provider even when a list is cached (a save or a Test is a live check). */
export type ListModels = (
  provider: ProviderId,
  apiKey: string,
  options?: { fresh?: boolean },
) => Promise<string[]>;

/** Wraps a live lookup with the cache. Only successful lists are kept; failures are asked again. */
export function cacheModelLists(listModels: ListModels, now: () => number = Date.now): ListModels {
  const entries = new Map<string, { models: string[]; expiresAt: number }>();
  return async (provider, apiKey, options) => {
    const cacheKey = `${provider}:${createHash('sha256').update(apiKey).digest('hex')}`;
    const cached = entries.get(cacheKey);
    if (cached && cached.expiresAt > now() && !options?.fresh) return cached.models;
    const models = await listModels(provider, apiKey);
    entries.delete(cacheKey);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(cacheKey, { models, expiresAt: now() + MODEL_LIST_TTL_MS });
    return models;
  };
}
