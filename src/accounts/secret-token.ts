/** Random bearer tokens (sessions, invitations, visitors): 256 bits, stored only as SHA-256 hashes. */
import { createHash, randomBytes } from 'node:crypto';

export function createSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
