/** Password hashing with argon2id (OWASP's recommended parameters are @node-rs/argon2's defaults). */
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN_BYTES = 12;
export const PASSWORD_MAX_BYTES = 1024;

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const options = { algorithm: 2 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, verified against when the email is unknown, so that a wrong password
 * and an unknown email cost the same time and cannot be told apart.
 */
let decoyHash: Promise<string> | undefined;
export function getDecoyPasswordHash(): Promise<string> {
  decoyHash ??= hash(crypto.randomUUID(), options);
  return decoyHash;
}
