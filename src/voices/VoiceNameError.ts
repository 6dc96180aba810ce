import { ChorusError } from '../util/ChorusError.ts';

/** A proposed voice name is empty, too long, or contains characters that cannot be shown safely. */
export class VoiceNameError extends ChorusError {
  constructor(message: string) {
    super('voice-name-invalid', message);
  }
}
