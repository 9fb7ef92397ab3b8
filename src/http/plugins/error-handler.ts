/**
 * Maps every failure to the contract's error shape `{"error": {"code", "message", "details"?}}`.
 * One table decides the status of each code. Unexpected errors are logged and answered with a generic
 * sentence: no stack trace, no provider text, no key ever reaches a client. A database that is away
 * (refused, dropped, timed out) is `unavailable` — 503 with `Retry-After` — and logged once per outage.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type AppErrorCode, type FieldProblem } from '../../app-error.js';
import { isDatabaseUnavailable } from '../../db/database-errors.js';
import { DatabaseOutage } from './database-outage.js';

const statusByCode: Record<AppErrorCode, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  not_found: 404,
  conflict: 409,
  key_rejected: 422,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal_error: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: FieldProblem[] };
}

/** Fastify's own errors (parsing, limits) expressed as ours. */
function fromFastifyError(error: FastifyError): AppError | null {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = error.validationContext ?? 'body';
    const details = error.validation.map((issue) => ({
      field: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || location,
      message: issue.message ?? 'is not valid',
    }));
    return new AppError('invalid_request', {
      message: `Some fields are not valid: ${[...new Set(details.map((detail) => detail.field))].join(', ')}.`,
      details,
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', { message: 'The request body is too large.' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', {
        message: 'Send the request body as application/json.',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_request', { message: 'The request body is not valid JSON.' });
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new AppError('invalid_request', { message: 'The request body is not valid JSON.' });
  }
  if (error.statusCode === 429) {
    return new AppError('rate_limited', { message: 'Too many requests; try again shortly.' });
  }
  if (error.statusCode === 413) {
    return new AppError('payload_too_large', { message: 'The request body is too large.' });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('invalid_request', { message: 'The request is not valid.' });
  }
  return null;
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details) body.error.details = error.details;
  return reply.status(statusByCode[error.code]).type('application/json').send(body);
}

/** Seconds a client should wait before trying again while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  const outage = new DatabaseOutage();
  app.addHook('onResponse', async (request, reply) => {
    if (outage.isOngoing && reply.statusCode < 500) outage.recordSuccess(request.log);
  });
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // The cause chain is searched: also an AppError('unavailable') wrapping a database failure.
    if (isDatabaseUnavailable(error)) {
      outage.recordFailure(request.log, error);
      return sendError(
        reply,
        error instanceof AppError && error.retryAfterSeconds !== undefined
          ? error
          : new AppError('unavailable', {
              message: 'The service is briefly unavailable; please try again in a few seconds.',
              retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
            }),
      );
    }
    const known = error instanceof AppError ? error : fromFastifyError(error);
    if (known) {
      if (statusByCode[known.code] >= 500) request.log.error({ err: error }, known.message);
      return sendError(reply, known);
    }
    request.log.error({ err: error }, 'Unexpected error');
    return sendError(
      reply,
      new AppError('internal_error', { message: 'Something went wrong on our side; please try again.' }),
    );
  });
});
