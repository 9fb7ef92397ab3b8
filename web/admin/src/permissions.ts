/**
 * What each role may do, mirroring the server's role → action table so the admin hides what a role
 * cannot do. The server still decides: a hidden button is a courtesy, not the check.
 */
import type { Role } from './api-types';

const allowedRoles = {
  'members.invite': ['owner', 'admin'],
  'members.change_role': ['owner'],
  'members.remove': ['owner'],
  'llm_keys.write': ['owner'],
  'audit_log.read': ['owner', 'admin'],
  'alerts.read': ['owner', 'admin'],
  'chatbots.write': ['owner', 'admin'],
  'prices.write': ['owner'],
  'budgets.write': ['owner'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof allowedRoles;

export function can(role: Role, action: Action): boolean {
  return (allowedRoles[action] as readonly Role[]).includes(role);
}
