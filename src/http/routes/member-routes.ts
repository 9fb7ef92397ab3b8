/** Members and invitations of a workspace (contract: Auth and people). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSession } from '../../accounts/session-store.js';
import { recordAuditEntry } from '../../audit/audit-log.js';
import { acceptInvitation, createInvitation } from '../../workspaces/invitation-service.js';
import { changeMemberRole, listMembers, removeMember } from '../../workspaces/member-service.js';
import { invitableRoles } from '../../workspaces/permissions.js';
import { isUuid } from '../../db/ids.js';
import { auditActorOf, requireWorkspaceAccess, setSessionCookie } from '../plugins/session-auth.js';
import { notFound } from '../../app-error.js';
import { emailSchema, isoDate, passwordSchema, roleSchema, userSchema, workspaceParams } from './schemas.js';

const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: roleSchema,
  createdAt: isoDate,
});
const memberParams = workspaceParams.extend({ userId: z.string().max(64) });

export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;

  app.get(
    '/api/workspaces/:ws/members',
    {
      schema: {
        tags: ['members'],
        params: workspaceParams,
        response: { 200: z.object({ members: z.array(memberSchema) }) },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'members.read');
      return { members: await listMembers(db, workspaceId) };
    },
  );

  app.patch(
    '/api/workspaces/:ws/members/:userId',
    {
      schema: {
        tags: ['members'],
        params: memberParams,
        body: z.object({ role: roleSchema }),
        response: { 200: memberSchema },
      },
    },
    async (request) => {
      const { user, workspaceId } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'members.change_role',
      );
      if (!isUuid(request.params.userId)) throw notFound('The member');
      const { before, after } = await changeMemberRole(
        db,
        workspaceId,
        request.params.userId,
        request.body.role,
      );
      if (before.role !== after.role) {
        await recordAuditEntry(db, {
          workspaceId,
          actor: auditActorOf(request, user),
          action: 'member.role_changed',
          details: { member: after.email, role: { before: before.role, after: after.role } },
        });
      }
      return after;
    },
  );

  app.delete(
    '/api/workspaces/:ws/members/:userId',
    { schema: { tags: ['members'], params: memberParams } },
    async (request, reply) => {
      const { user, workspaceId } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'members.remove',
      );
      if (!isUuid(request.params.userId)) throw notFound('The member');
      const removed = await removeMember(db, workspaceId, request.params.userId);
      await recordAuditEntry(db, {
        workspaceId,
        actor: auditActorOf(request, user),
        action: 'member.removed',
        details: { member: removed.email, role: removed.role },
      });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/workspaces/:ws/invitations',
    {
      schema: {
        tags: ['members'],
        params: workspaceParams,
        body: z.object({ email: emailSchema, role: z.enum(invitableRoles) }),
        response: {
          201: z.object({
            id: z.string(),
            email: z.string(),
            role: z.enum(invitableRoles),
            token: z.string(),
            acceptUrl: z.string(),
            expiresAt: isoDate,
          }),
        },
      },
    },
    async (request, reply) => {
      const { user, workspaceId } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'members.invite',
      );
      const invitation = await createInvitation(db, { workspaceId, ...request.body, invitedBy: user.id });
      await recordAuditEntry(db, {
        workspaceId,
        actor: auditActorOf(request, user),
        action: 'member.invited',
        details: { member: invitation.email, role: invitation.role },
      });
      const acceptUrl = `${app.context.config.publicUrl}/invite/${invitation.token}`;
      return reply.status(201).send({ ...invitation, acceptUrl });
    },
  );

  app.post(
    '/api/invitations/:token/accept',
    {
      schema: {
        tags: ['members'],
        params: z.object({ token: z.string().max(128) }),
        body: z.object({ password: passwordSchema }),
        response: {
          200: z.object({ user: userSchema, workspace: z.object({ id: z.string(), role: roleSchema }) }),
        },
      },
    },
    async (request, reply) => {
      const joined = await acceptInvitation(db, {
        token: request.params.token,
        password: request.body.password,
      });
      await recordAuditEntry(db, {
        workspaceId: joined.workspaceId,
        actor: auditActorOf(request, { id: joined.userId, email: joined.email }),
        action: 'member.joined',
        details: { member: joined.email, role: joined.role },
      });
      setSessionCookie(reply, await createSession(db, joined.userId));
      return {
        user: { id: joined.userId, email: joined.email },
        workspace: { id: joined.workspaceId, role: joined.role },
      };
    },
  );
};
