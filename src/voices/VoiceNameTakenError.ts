import { ChorusError } from '../util/ChorusError.ts';

/** The owner already has a voice with this name (names are compared case-insensitively). */
export class VoiceNameTakenError extends ChorusError {
  readonly voiceName: string;

  constructor(voiceName: string) {
    super(
      'voice-name-taken',
      `You already have a voice called "${voiceName}" (names ignore upper/lower case). Pick another name, or delete or rename the old voice first.`,
    );
    this.voiceName = voiceName;
  }
}
