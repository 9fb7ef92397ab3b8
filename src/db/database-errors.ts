/**
 * Which failures mean "the database is not answering right now" — a connection refused, dropped or timed
 * out, a server shutting down or over its connection limit, a statement cancelled by its timeout — as
 * opposed to a bug or bad data. These heal by themselves: requests answer 503 with `Retry-After`, and a
 * reply's final write is retried.
 */

/** SQLSTATE classes and codes of a database that is away, overloaded or cancelled our statement. */
const unavailableSqlStates = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** Node's socket error codes for a peer that is gone or unreachable. */
const unavailableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// `pg` reports a pool that could not hand out a connection, and a connection that broke, by message only.
const unavailableMessages = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /connection timeout/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /Query read timeout/i,
];

/** The innermost cause's message: drizzle's wrapper carries the whole SQL text, which a log line does not need. */
export function innermostMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (unavailableSqlStates.has(code) || code.startsWith('08') || unavailableSocketCodes.has(code))
        return true;
    }
    if (typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
