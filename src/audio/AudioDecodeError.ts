import { ChorusError } from '../util/ChorusError.ts';

export type AudioDecodeErrorCode = 'too-large' | 'not-audio' | 'corrupt' | 'too-long' | 'unsupported';

/** Raised when an uploaded clip cannot be turned into samples. The message tells the uploader what to do. */
export class AudioDecodeError extends ChorusError {
  declare readonly code: AudioDecodeErrorCode;

  constructor(code: AudioDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
