import { ChorusError } from '../util/ChorusError.ts';

export type ClipRejectionReason = 'too-large' | 'not-audio' | 'corrupt' | 'unsupported' | 'too-short' | 'too-long' | 'silent' | 'clipped';

/** An uploaded reference clip cannot make a usable voice. The message tells the uploader what to record instead. */
export class ClipRejectedError extends ChorusError {
  readonly reason: ClipRejectionReason;

  constructor(reason: ClipRejectionReason, message: string, options?: { cause?: unknown }) {
    super('clip-rejected', message, options);
    this.reason = reason;
  }
}
