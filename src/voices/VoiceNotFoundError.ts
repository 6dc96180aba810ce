import { ChorusError } from '../util/ChorusError.ts';

/** No voice with that id or name is visible to the person asking. */
export class VoiceNotFoundError extends ChorusError {
  /** The id or name that was looked up. */
  readonly voice: string;

  constructor(voice: string, message = `There is no voice called "${voice}" that you can use. List your voices to see the names.`) {
    super('voice-not-found', message);
    this.voice = voice;
  }
}
