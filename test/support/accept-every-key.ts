/**
 * A provider stand-in for tests that store keys without running a provider: every key is accepted and
 * the documented models are listed.
 */
import type { ListModels } from '../../src/llm/keys/model-list-cache.js';
import { providerTable } from '../../src/llm/provider-table.js';

export const acceptEveryKey: ListModels = async () => [
  ...providerTable.map((entry) => entry.defaultModel),
  'claude-sonnet-4-5',
];
