/** Members and invitations of a workspace (contract: Auth and people). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSession } from '../../accounts/session-store.js';
import { recordAuditEntry } from '../../audit/audit-log.js';
import {
  acceptInvitation,
  createInvitation,
  listPendingInvitations,
  previewInvitation,
  renewInvitationLink,
  revokeInvitation,
} from '../../workspaces/invitation-service.js';
import { mailInvitation } from '../../workspaces/invitation-mail.js';
import { changeMemberRole, listMembers, removeMember } from '../../workspaces/member-service.js';
import { invitableRoles } from '../../workspaces/permissions.js';
import { isUuid } from '../../db/ids.js';
import { countingFailures } from '../plugins/rate-limits.js';
import { auditActorOf, findUser, requireWorkspaceAccess, setSessionCookie } from '../plugins/session-auth.js';
import { notFound } from '../../app-error.js';
import { emailSchema, isoDate, passwordSchema, roleSchema, userSchema, workspaceParams } from './schemas.js';

const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: roleSchema,
  createdAt: isoDate,
});
const memberParams = workspaceParams.extend({ userId: z.string().max(64) });
const invitationParams = workspaceParams.extend({ invitationId: z.string().max(64) });
const tokenParams = z.object({ token: z.string().max(128) });
const createdInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(invitableRoles),
  token: z.string(),
  acceptUrl: z.string(),
  expiresAt: isoDate,
});
const pendingInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(invitableRoles),
  invitedBy: z.string().nullable(),
  createdAt: isoDate,
  expiresAt: isoDate,
});

export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;
  const acceptUrlOf = (token: string) => `${app.context.config.publicUrl}/invite/${token}`;

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
          // emailSent is false when email is not configured: the inviter passes the link on.
          201: createdInvitationSchema.extend({ emailSent: z.boolean() }),
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
      const acceptUrl = acceptUrlOf(invitation.token);
      const emailSent = Boolean(app.context.config.SMTP_URL);
      if (emailSent) {
        await mailInvitation(db, app.context.keyring, {
          ...invitation,
          workspaceId,
          invitedBy: user.email,
          acceptUrl,
        });
        app.jobRunner.wake();
      }
      return reply.status(201).send({ ...invitation, acceptUrl, emailSent });
    },
  );

  app.get(
    '/api/workspaces/:ws/invitations',
    {
      schema: {
        tags: ['members'],
        params: workspaceParams,
        response: { 200: z.object({ invitations: z.array(pendingInvitationSchema) }) },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'members.invite');
      return { invitations: await listPendingInvitations(db, workspaceId) };
    },
  );

  app.post(
    '/api/workspaces/:ws/invitations/:invitationId/link',
    {
      schema: {
        tags: ['members'],
        params: invitationParams,
        response: { 200: createdInvitationSchema },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'members.invite');
      if (!isUuid(request.params.invitationId)) throw notFound('The invitation');
      const invitation = await renewInvitationLink(db, workspaceId, request.params.invitationId);
      return { ...invitation, acceptUrl: acceptUrlOf(invitation.token) };
    },
  );

  app.delete(
    '/api/workspaces/:ws/invitations/:invitationId',
    { schema: { tags: ['members'], params: invitationParams } },
    async (request, reply) => {
      const { user, workspaceId } = await requireWorkspaceAccess(
        request,
        request.params.ws,
        'members.invite',
      );
      if (!isUuid(request.params.invitationId)) throw notFound('The invitation');
      const revoked = await revokeInvitation(db, workspaceId, request.params.invitationId);
      await recordAuditEntry(db, {
        workspaceId,
        actor: auditActorOf(request, user),
        action: 'member.invitation_revoked',
        details: { member: revoked.email, role: revoked.role },
      });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/invitations/:token',
    {
      schema: {
        tags: ['members'],
        params: tokenParams,
        response: {
          200: z.object({
            workspaceName: z.string(),
            invitedBy: z.string().nullable(),
            email: z.string(),
            role: z.enum(invitableRoles),
            hasAccount: z.boolean(),
            expiresAt: isoDate,
          }),
        },
      },
    },
    async (request) =>
      countingFailures(app.limiters.invitationFailuresPerIp, request, () =>
        previewInvitation(db, request.params.token),
      ),
  );

  app.post(
    '/api/invitations/:token/accept',
    {
      schema: {
        tags: ['members'],
        params: tokenParams,
        // `password` creates the account of a new email; an existing account is never asked for it.
        body: z.object({ password: passwordSchema.optional() }).default({}),
        response: {
          200: z.object({ user: userSchema, workspace: z.object({ id: z.string(), role: roleSchema }) }),
        },
      },
    },
    async (request, reply) => {
      const signedIn = await findUser(request);
      const joined = await countingFailures(app.limiters.invitationFailuresPerIp, request, () =>
        acceptInvitation(db, {
          token: request.params.token,
          password: request.body.password,
          signedInUserId: signedIn?.id,
        }),
      );
      await recordAuditEntry(db, {
        workspaceId: joined.workspaceId,
        actor: auditActorOf(request, { id: joined.userId, email: joined.email }),
        action: 'member.joined',
        details: { member: joined.email, role: joined.role },
      });
      // A new account is signed in here; an existing one already is.
      if (joined.isNewUser) setSessionCookie(reply, await createSession(db, joined.userId));
      return {
        user: { id: joined.userId, email: joined.email },
        workspace: { id: joined.workspaceId, role: joined.role },
      };
    },
  );
};
