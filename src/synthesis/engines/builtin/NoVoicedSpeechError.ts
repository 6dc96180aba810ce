import { ChorusError } from '../../../util/ChorusError.ts';

/** The reference clip has too little voiced speech to measure a pitch from. */
export class NoVoicedSpeechError extends ChorusError {
  constructor() {
    super(
      'no-voiced-speech',
      'No voiced speech was found in the reference clip. Record a few seconds of yourself speaking clearly, without music or long silences.',
    );
  }
}
