/** A reason not to start, in one sentence for the operator. main.ts prints it and exits. */
export class BootError extends Error {
  override name = 'BootError';
}
