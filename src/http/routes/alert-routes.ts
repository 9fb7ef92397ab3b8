/** Workspace alerts for owners and admins: the list with this user's unread count, and marking one read. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAlerts, markAlertRead } from '../../alerts/alert-queries.js';
import { requireWorkspaceAccess } from '../plugins/session-auth.js';
import { isoDate, workspaceParams } from './schemas.js';

const alertSchema = z.object({
  id: z.string(),
  at: isoDate,
  kind: z.string(),
  severity: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  readAt: isoDate.nullable(),
});

export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;

  app.get(
    '/api/workspaces/:ws/alerts',
    {
      schema: {
        tags: ['alerts'],
        params: workspaceParams,
        response: { 200: z.object({ alerts: z.array(alertSchema), unread: z.number().int() }) },
      },
    },
    async (request) => {
      const { workspaceId, user } = await requireWorkspaceAccess(request, request.params.ws, 'alerts.read');
      return listAlerts(db, { workspaceId, userId: user.id });
    },
  );

  app.post(
    '/api/workspaces/:ws/alerts/:id/read',
    {
      schema: {
        tags: ['alerts'],
        params: workspaceParams.extend({ id: z.string().max(64) }),
      },
    },
    async (request, reply) => {
      const { workspaceId, user } = await requireWorkspaceAccess(request, request.params.ws, 'alerts.read');
      await markAlertRead(db, { workspaceId, userId: user.id, alertId: request.params.id });
      return reply.status(204).send();
    },
  );
};
