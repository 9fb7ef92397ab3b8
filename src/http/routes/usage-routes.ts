/**
 * Usage in money (contract "Money, budgets, alerts"): `GET …/usage` as JSON and `GET …/usage.csv` for
 * spreadsheets, with the same filters. Every role may read. `from` and `to` are UTC days, both included;
 * by default the last 30 days, grouped by day.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countRatings } from '../../chat/message-ratings.js';
import { keySources } from '../../db/schema.js';
import { toCsv } from '../../money/csv.js';
import {
  resolveUsagePeriod,
  summarizeUsage,
  usageGroupings,
  type UsageReport,
} from '../../money/usage-report.js';
import { requireWorkspaceAccess } from '../plugins/session-auth.js';
import { workspaceParams } from './schemas.js';

const daySchema = z.iso.date({ message: 'must be a day (YYYY-MM-DD)' });
const usageQuery = z.object({
  from: daySchema.optional(),
  to: daySchema.optional(),
  groupBy: z.enum(usageGroupings).default('day'),
  chatbotId: z.uuid({ message: 'must be a chatbot id' }).optional(),
});
const countsSchema = z.object({
  messages: z.number().int(),
  failed: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  costUsd: z.string(),
  savedByCachingUsd: z.string(),
  unpriced: z.number().int(),
});
const rowSchema = countsSchema.extend({
  day: z.string().optional(),
  provider: z.string().optional(),
  keySource: z.enum(keySources).optional(),
  maskedKey: z.string().nullable().optional(),
  chatbotId: z.string().nullable().optional(),
  chatbotName: z.string().nullable().optional(),
  model: z.string().optional(),
});

/** The CSV's columns: the group's, then the counts, named as in the JSON. */
function usageCsv(report: UsageReport): string {
  const groupColumns = {
    day: ['day'],
    provider: ['provider'],
    key: ['provider', 'keySource', 'maskedKey', 'chatbotId', 'chatbotName'],
    chatbot: ['chatbotId', 'chatbotName'],
    model: ['provider', 'model'],
  }[report.groupBy];
  const columns = [...groupColumns, ...Object.keys(countsSchema.shape)];
  return toCsv(columns, report.rows as unknown as Array<Record<string, unknown>>);
}

export const usageRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;

  app.get(
    '/api/workspaces/:ws/usage',
    {
      schema: {
        tags: ['usage'],
        params: workspaceParams,
        querystring: usageQuery,
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            groupBy: z.enum(usageGroupings),
            rows: z.array(rowSchema),
            totals: countsSchema,
            /** Visitors' thumbs up and down on the period's answers. */
            ratings: z.object({ up: z.number().int(), down: z.number().int() }),
          }),
        },
      },
    },
    async (request) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'usage.read');
      const period = resolveUsagePeriod(request.query);
      const [report, ratings] = await Promise.all([
        summarizeUsage(db, workspaceId, { ...request.query, ...period }),
        countRatings(db, workspaceId, period),
      ]);
      return { ...report, ratings };
    },
  );

  app.get(
    '/api/workspaces/:ws/usage.csv',
    { schema: { tags: ['usage'], params: workspaceParams, querystring: usageQuery } },
    async (request, reply) => {
      const { workspaceId } = await requireWorkspaceAccess(request, request.params.ws, 'usage.read');
      const period = resolveUsagePeriod(request.query);
      const report = await summarizeUsage(db, workspaceId, { ...request.query, ...period });
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="usage-${report.groupBy}-${report.from}-${report.to}.csv"`,
        )
        .send(usageCsv(report));
    },
  );
};
