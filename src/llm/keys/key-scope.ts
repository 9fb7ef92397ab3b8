/**
 * A key scope (contract: "Which provider answers"): the workspace, or one chatbot whose `llmKeySource`
 * is `own`. Keys and settings rows carry `chatbot_id` null for the workspace, so every query on them goes
 * through `inScope` and a workspace query can never pick up a chatbot's row, nor the other way round.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { llmKeys, llmSettings } from '../../db/schema.js';
import type { ProviderId } from '../provider-table.js';

export interface KeyScope {
  workspaceId: string;
  /** Null for the workspace's own keys. */
  chatbotId: string | null;
  /** The chatbot's name, for audit entries that name it; absent for the workspace. */
  chatbotName?: string;
}

export interface KeyTarget extends KeyScope {
  provider: ProviderId;
}

export const workspaceScope = (workspaceId: string): KeyScope => ({ workspaceId, chatbotId: null });

/** The `WHERE` of one scope's rows in `llm_keys` or `llm_settings`. */
export function inScope(table: typeof llmKeys | typeof llmSettings, scope: KeyScope) {
  return and(
    eq(table.workspaceId, scope.workspaceId),
    scope.chatbotId === null ? isNull(table.chatbotId) : eq(table.chatbotId, scope.chatbotId),
  );
}

/** The vault context of a scope's key: a chatbot's key is bound to that chatbot. */
export function vaultContextOf(target: KeyTarget) {
  return { workspaceId: target.workspaceId, provider: target.provider, chatbotId: target.chatbotId };
}

/** What audit entries add for a chatbot's keys and settings, so they name the chatbot. */
export function auditScopeDetails(scope: KeyScope): Record<string, unknown> {
  return scope.chatbotId === null
    ? {}
    : { chatbot: { id: scope.chatbotId, name: scope.chatbotName ?? null } };
}
