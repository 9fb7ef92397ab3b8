/**
 * A chatbot's knowledge (contract "Knowledge"): list, add (JSON for text and URLs, multipart/form-data
 * for a file), refresh, delete, settings, and "Try it" (which passages a question would retrieve).
 * Owner and admin write; everyone reads.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../app-error.js';
import { isUuid } from '../../db/ids.js';
import { knowledgeLanguages } from '../../db/schema.js';
import { fileTypeOf, supportedFileTypes } from '../../knowledge/extraction/file-extraction.js';
import { readKnowledgeSettings, updateKnowledgeSettings } from '../../knowledge/knowledge-settings.js';
import {
  addSource,
  assertChatbotInWorkspace,
  deleteSource,
  listSources,
  refreshSource,
} from '../../knowledge/knowledge-sources.js';
import { retrievePassages } from '../../knowledge/passage-retrieval.js';
import { auditActorOf, requireWorkspaceAccess } from '../plugins/session-auth.js';
import { isoDate, workspaceParams } from './schemas.js';

/** The largest file an owner may upload. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const chatbotParams = workspaceParams.extend({ id: z.string().max(64) });
const sourceParams = chatbotParams.extend({ sourceId: z.string().max(64) });

const httpUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http or https URL');

const newSourceBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    title: z.string().trim().min(1, 'must not be empty').max(200),
    content: z.string().trim().min(1, 'must not be empty').max(200_000),
  }),
  z.object({ kind: z.literal('url'), url: httpUrl, crawl: z.boolean().default(false) }),
]);

const sourceSchema = z.object({
  id: z.string(),
  kind: z.enum(['text', 'url', 'file']),
  title: z.string(),
  status: z.enum(['indexing', 'ready', 'error']),
  error: z.string().optional(),
  chunks: z.number().int(),
  url: z.string().nullable(),
  crawl: z.boolean(),
  fileName: z.string().nullable(),
  indexedAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const settingsSchema = z.object({
  language: z.enum(knowledgeLanguages),
  showSourceLinks: z.boolean(),
});

const passageSchema = z.object({
  sourceId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  location: z.string(),
  content: z.string(),
  rank: z.number(),
});

export const knowledgeRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.context.database;
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 4, parts: 5 } });

  const chatbotOf = async (
    request: { params: { ws: string; id: string } } & Parameters<typeof requireWorkspaceAccess>[0],
    action: 'chatbots.read' | 'chatbots.write',
  ) => {
    const access = await requireWorkspaceAccess(request, request.params.ws, action);
    if (!isUuid(request.params.id)) throw notFound('The chatbot');
    await assertChatbotInWorkspace(db, access.workspaceId, request.params.id);
    return { ...access, chatbotId: request.params.id };
  };

  app.get(
    '/api/workspaces/:ws/chatbots/:id/knowledge',
    {
      schema: {
        tags: ['knowledge'],
        params: chatbotParams,
        response: { 200: z.object({ sources: z.array(sourceSchema), settings: settingsSchema }) },
      },
    },
    async (request) => {
      const { workspaceId, chatbotId } = await chatbotOf(request, 'chatbots.read');
      const [sources, settings] = await Promise.all([
        listSources(db, workspaceId, chatbotId),
        readKnowledgeSettings(db, workspaceId, chatbotId),
      ]);
      return { sources, settings };
    },
  );

  app.post(
    '/api/workspaces/:ws/chatbots/:id/knowledge',
    {
      schema: {
        tags: ['knowledge'],
        description:
          'Adds a source: JSON `{kind: "text", title, content}` or `{kind: "url", url, crawl?}`, or a file ' +
          `as multipart/form-data (field \`file\`; ${supportedFileTypes.map((type) => `.${type}`).join(', ')}; at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB).`,
        params: chatbotParams,
        // A multipart upload has no JSON body: Fastify gives null.
        body: newSourceBody.nullish(),
        response: { 201: sourceSchema },
      },
    },
    async (request, reply) => {
      const { user, workspaceId, chatbotId } = await chatbotOf(request, 'chatbots.write');
      const actor = auditActorOf(request, user);
      const target = { workspaceId, chatbotId };
      let source;
      if (request.isMultipart()) {
        const file = await request.file();
        if (!file) throw invalidFile('Attach the file in the field named file.');
        const fileName = file.filename.trim().slice(0, 200);
        if (!fileTypeOf(fileName)) {
          file.file.resume();
          throw invalidFile(
            `Upload a ${supportedFileTypes.map((type) => `.${type}`).join(', ')} file; ${fileName || 'this file'} is not one.`,
          );
        }
        const data = await file.toBuffer();
        if (data.length === 0) throw invalidFile(`${fileName} is empty.`);
        source = await addSource(db, target, { kind: 'file', fileName, data }, actor);
      } else {
        if (!request.body) throw new AppError('invalid_request', { message: 'Describe the source to add.' });
        source = await addSource(db, target, request.body, actor);
      }
      app.jobRunner.wake();
      return reply.status(201).send(source);
    },
  );

  app.patch(
    '/api/workspaces/:ws/chatbots/:id/knowledge',
    {
      schema: {
        tags: ['knowledge'],
        params: chatbotParams,
        body: settingsSchema.partial(),
        response: { 200: z.object({ settings: settingsSchema }) },
      },
    },
    async (request) => {
      const { workspaceId, chatbotId } = await chatbotOf(request, 'chatbots.write');
      return { settings: await updateKnowledgeSettings(db, workspaceId, chatbotId, request.body) };
    },
  );

  app.post(
    '/api/workspaces/:ws/chatbots/:id/knowledge/:sourceId/refresh',
    { schema: { tags: ['knowledge'], params: sourceParams, response: { 200: sourceSchema } } },
    async (request) => {
      const { workspaceId, chatbotId } = await chatbotOf(request, 'chatbots.write');
      if (!isUuid(request.params.sourceId)) throw notFound('The source');
      const source = await refreshSource(db, { workspaceId, chatbotId, sourceId: request.params.sourceId });
      app.jobRunner.wake();
      return source;
    },
  );

  app.delete(
    '/api/workspaces/:ws/chatbots/:id/knowledge/:sourceId',
    { schema: { tags: ['knowledge'], params: sourceParams } },
    async (request, reply) => {
      const { user, workspaceId, chatbotId } = await chatbotOf(request, 'chatbots.write');
      if (!isUuid(request.params.sourceId)) throw notFound('The source');
      await deleteSource(
        db,
        { workspaceId, chatbotId, sourceId: request.params.sourceId },
        auditActorOf(request, user),
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/workspaces/:ws/chatbots/:id/knowledge/search',
    {
      schema: {
        tags: ['knowledge'],
        description: 'Which passages a visitor question would bring to the provider ("Try it").',
        params: chatbotParams,
        body: z.object({ question: z.string().trim().min(1, 'must not be empty').max(2_000) }),
        response: { 200: z.object({ passages: z.array(passageSchema) }) },
      },
    },
    async (request) => {
      const { chatbotId } = await chatbotOf(request, 'chatbots.read');
      const passages = await retrievePassages(db, chatbotId, request.body.question);
      return { passages: passages.map(({ passageId: _passageId, ...passage }) => passage) };
    },
  );
};

function invalidFile(message: string): AppError {
  return new AppError('invalid_request', { message, details: [{ field: 'file', message }] });
}
