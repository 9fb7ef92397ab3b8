/**
 * Errors Fastify raises before a request reaches a route — a malformed URL (`/%zz`), a path parameter
 * over `maxParamLength` — skip the hooks and the error handler. This answers them like every other error:
 * the contract's shape, the security headers and the request id.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../app-error.js';
import { applySecurityHeaders } from '../security-headers.js';
import { sendError } from './error-handler.js';

function toAppError(error: FastifyError): AppError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new AppError('uri_too_long', { message: 'The address is too long.' });
  }
  return new AppError('invalid_request', { message: 'The address is not valid.' });
}

/** Fastify's `frameworkErrors` option. */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  applySecurityHeaders(request.raw, reply.raw);
  reply.header('x-request-id', request.id);
  void sendError(reply, toAppError(error));
}
