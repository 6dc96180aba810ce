import { ChorusError } from '../util/ChorusError.ts';

export type VoiceInputProblem =
  | 'voice-transcript-invalid'
  | 'voice-consent-missing'
  | 'voice-scope-invalid'
  | 'voice-clip-invalid'
  | 'voice-language-invalid';

/** Something needed to register a voice is missing or malformed (other than the name or the audio itself). */
export class VoiceInputError extends ChorusError {
  declare readonly code: VoiceInputProblem;

  constructor(code: VoiceInputProblem, message: string) {
    super(code, message);
  }
}
