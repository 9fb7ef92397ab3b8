/**
 * Start-up failures as one sentence for the operator, naming what to fix (contract: "A boot failure of
 * any kind … is one sentence naming what to fix; no stack").
 */
import type { Config } from '../config.js';
import { innermostMessage, isDatabaseUnavailable } from '../db/database-errors.js';

function codeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** The sentence for a failure that is not already one (config errors, boot refusals). */
export function describeBootFailure(error: unknown, config: Readonly<Config> | undefined): string {
  const code = codeOf(error);
  const port = config ? `${config.HOST}:${config.PORT}` : 'the configured address';
  if (code === 'EADDRINUSE')
    return `PORT is not usable: ${port} is already in use by another process; set PORT to a free port or stop that process.`;
  if (code === 'EACCES' && (error as { syscall?: string }).syscall === 'listen')
    return `PORT is not usable: this user may not listen on ${port}; set PORT to 1024 or above.`;
  if (code === 'EADDRNOTAVAIL')
    return `HOST is not usable: ${config?.HOST ?? 'it'} is not an address of this machine; set HOST to one that is (or 0.0.0.0).`;
  if (config?.DATABASE_URL && (code === '28P01' || code === '28000'))
    return 'DATABASE_URL is not usable: PostgreSQL refused the user name or password in it.';
  if (config?.DATABASE_URL && code === '3D000')
    return 'DATABASE_URL is not usable: the database named in it does not exist; create it first.';
  if (config?.DATABASE_URL && isDatabaseUnavailable(error))
    return `DATABASE_URL is not usable: the database did not answer (${innermostMessage(error)}); check the address in DATABASE_URL and that PostgreSQL is running.`;
  return `${innermostMessage(error)}`;
}
