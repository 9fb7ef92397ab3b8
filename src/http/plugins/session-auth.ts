/**
 * Who is asking: the signed-in user from the session cookie, and their role in the workspace of the URL.
 * Routes call these helpers; the permissions table decides, never the route.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findSessionUser, SESSION_IDLE_MS, type SessionUser } from '../../accounts/session-store.js';
import { AppError, notFound } from '../../app-error.js';
import type { AuditActor } from '../../audit/audit-log.js';
import { isUuid } from '../../db/ids.js';
import { findRole } from '../../workspaces/member-service.js';
import { can, type Action, type Role } from '../../workspaces/permissions.js';

export const SESSION_COOKIE = 'bestai_session';

const sessionUsers = new WeakMap<FastifyRequest, SessionUser | null>();

export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.server.context.config.isSecureCookie,
    path: '/',
    maxAge: SESSION_IDLE_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export function readSessionToken(request: FastifyRequest): string | undefined {
  const token = request.cookies[SESSION_COOKIE];
  return token && token.length <= 128 ? token : undefined;
}

/** The signed-in user, or null. Looked up once per request. */
export async function findUser(request: FastifyRequest): Promise<SessionUser | null> {
  if (sessionUsers.has(request)) return sessionUsers.get(request)!;
  const token = readSessionToken(request);
  const user = token ? await findSessionUser(request.server.context.database.db, token) : null;
  sessionUsers.set(request, user);
  return user;
}

export async function requireUser(request: FastifyRequest): Promise<SessionUser> {
  const user = await findUser(request);
  if (!user) throw new AppError('unauthenticated', { message: 'Sign in to continue.' });
  return user;
}

export interface WorkspaceAccess {
  user: SessionUser;
  role: Role;
  workspaceId: string;
}

/**
 * The caller's access to a workspace for an action: 401 signed out, 404 not a member (never reveal that
 * another workspace exists), 403 a member whose role may not do it.
 */
export async function requireWorkspaceAccess(
  request: FastifyRequest,
  workspaceId: string,
  action: Action,
): Promise<WorkspaceAccess> {
  const user = await requireUser(request);
  const role = isUuid(workspaceId)
    ? await findRole(request.server.context.database.db, workspaceId, user.id)
    : null;
  if (!role) throw notFound('The workspace');
  if (!can(role, action)) {
    throw new AppError('forbidden', { message: `Your role (${role}) may not do this in this workspace.` });
  }
  return { user, role, workspaceId };
}

/** The audit log's view of who made a request. */
export function auditActorOf(request: FastifyRequest, user: SessionUser): AuditActor {
  return { userId: user.id, email: user.email, ip: request.ip, userAgent: request.headers['user-agent'] };
}
