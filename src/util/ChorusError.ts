/**
 * Base class for every error Chorus raises on purpose. `code` is stable and machine-readable;
 * `message` is written for the person who has to act on it (a streamer, a moderator, an operator).
 */
export class ChorusError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Raised when work is stopped on purpose (skip, clear, shutdown). Never logged as a failure. */
export class CancelledError extends ChorusError {
  constructor(message = 'The work was cancelled.') {
    super('cancelled', message);
  }
}

export function isCancelled(error: unknown): error is CancelledError {
  return error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError');
}
