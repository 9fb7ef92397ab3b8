/**
 * The one error type of the domain. Code decides the HTTP status (one table, in the error plugin);
 * the message is a sentence for a person and never carries secrets or a provider's raw text.
 */
export type AppErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'forbidden'
  | 'origin_not_allowed'
  | 'not_found'
  | 'conflict'
  | 'key_rejected'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal_error';

export interface FieldProblem {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  message: string;
  cause?: unknown;
  details?: FieldProblem[];
  /** For `rate_limited`: seconds until the client may try again. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: AppErrorCode;
  readonly details?: FieldProblem[];
  readonly retryAfterSeconds?: number;

  constructor(code: AppErrorCode, options: AppErrorOptions) {
    super(options.message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** 404 for objects that do not exist **or** belong to another workspace: never reveal which. */
export function notFound(what: string): AppError {
  return new AppError('not_found', { message: `${what} was not found.` });
}
