/**
 * The role → action table. It is the only place that decides what a role may do; every route asks it.
 */
import type { Role } from '../db/schema.js';

export type { Role };
export const roles = ['owner', 'admin', 'viewer', 'support'] as const satisfies readonly Role[];
export const invitableRoles = ['admin', 'viewer', 'support'] as const;
export type InvitableRole = (typeof invitableRoles)[number];

const everyone: readonly Role[] = roles;
const ownerAndAdmin: readonly Role[] = ['owner', 'admin'];
const ownerOnly: readonly Role[] = ['owner'];

const allowedRoles = {
  'workspace.read': everyone,
  'members.read': everyone,
  'members.invite': ownerAndAdmin,
  'members.change_role': ownerOnly,
  'members.remove': ownerOnly,
  'llm_keys.read': everyone,
  'llm_keys.write': ownerOnly,
  'llm_keys.test': ownerOnly,
  'audit_log.read': ownerAndAdmin,
  'chatbots.read': everyone,
  'chatbots.write': ownerAndAdmin,
  'conversations.read': everyone,
  'usage.read': everyone,
  'alerts.read': ownerAndAdmin,
  'prices.read': everyone,
  'prices.write': ownerOnly,
  'budgets.write': ownerOnly,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof allowedRoles;
export const actions = Object.keys(allowedRoles) as Action[];

/** True when `role` may perform `action`. */
export function can(role: Role, action: Action): boolean {
  return (allowedRoles[action] as readonly Role[]).includes(role);
}

/** Every action a role may perform, for clients that hide what a role cannot do. */
export function permissionsOf(role: Role): Action[] {
  return actions.filter((action) => can(role, action));
}
