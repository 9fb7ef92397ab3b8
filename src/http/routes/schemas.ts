/** Zod pieces shared by several routes' request and response schemas. */
import { z } from 'zod';
import { isPasswordTooGuessable } from '../../accounts/password-strength.js';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES } from '../../accounts/passwords.js';
import { roles } from '../../workspaces/permissions.js';

export const emailSchema = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email({ message: 'must be an email address' }));

/** A password being chosen (sign-up, invitation, reset): long enough, and not among the first guesses. */
export const passwordSchema = z
  .string()
  .refine((value) => Buffer.byteLength(value) >= PASSWORD_MIN_BYTES, {
    message: `must be at least ${PASSWORD_MIN_BYTES} bytes`,
    abort: true,
  })
  .refine((value) => Buffer.byteLength(value) <= PASSWORD_MAX_BYTES, {
    message: `must be at most ${PASSWORD_MAX_BYTES} bytes`,
    abort: true,
  })
  .refine((value) => !isPasswordTooGuessable(value), {
    message: 'is too easy to guess (a common password, a repeated character or a simple pattern)',
  });

export const roleSchema = z.enum(roles);

export const workspaceParams = z.object({ ws: z.string().max(64) });

export const userSchema = z.object({ id: z.string(), email: z.string() });

export const workspaceSummarySchema = z.object({ id: z.string(), name: z.string(), role: roleSchema });

/** Handlers return Dates; responses carry ISO 8601 strings. */
export const isoDate = z.codec(z.iso.datetime(), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

/** US dollars as a decimal string (`"25"`, `"0.50"`): up to 9 digits and 6 decimals; never a float. */
export const usdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,6})?$/, { message: 'must be a decimal number of US dollars, e.g. "25.00"' });
