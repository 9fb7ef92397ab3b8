/**
 * The one error type of the vault. Its message is a sentence for an operator and never holds key material:
 * no secret, no data key, no provider key, not even a fragment of a record.
 */

/**
 * - `invalid_secret`: `BESTAI_SECRET` or an entry of `BESTAI_PREVIOUS_SECRETS` is not base64 of 32 bytes.
 * - `invalid_context`: a workspace id or provider is empty or has characters outside `[A-Za-z0-9_-]`.
 * - `malformed_record`: the text is not a vault record at all (wrong shape, bad base64url, wrong sizes).
 * - `unsupported_version`: a well-formed record of a format version this build does not know.
 * - `unknown_secret`: the record was wrapped by a secret that is neither current nor previous.
 * - `decrypt_failed`: authentication failed — wrong secret, tampered bytes, or another workspace/provider.
 */
export type VaultErrorCode =
  | 'invalid_secret'
  | 'invalid_context'
  | 'malformed_record'
  | 'unsupported_version'
  | 'unknown_secret'
  | 'decrypt_failed';

export class VaultError extends Error {
  override name = 'VaultError';
  readonly code: VaultErrorCode;

  constructor(code: VaultErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
