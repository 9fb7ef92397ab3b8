/** The workspace audit log, newest first, cursor-paginated. Owner and admin may read it. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAuditEntries } from '../../audit/audit-log.js';
import { requireWorkspaceAccess } from '../plugins/session-auth.js';
import { isoDate, workspaceParams } from './schemas.js';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;

  app.get(
    '/api/workspaces/:ws/audit-log',
    {
      schema: {
        tags: ['audit'],
        params: workspaceParams,
        querystring: z.object({
          cursor: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                id: z.string(),
                at: isoDate,
                actor: z.object({ id: z.string().nullable(), email: z.string().nullable() }),
                action: z.string(),
                provider: z.string().nullable(),
                maskedKey: z.string().nullable(),
                ip: z.string().nullable(),
                userAgent: z.string().nullable(),
                details: z.record(z.string(), z.unknown()).nullable(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'audit_log.read');
      return listAuditEntries(db, workspaceId, request.query);
    },
  );
};
