import { ChorusError } from '../util/ChorusError.ts';

export type VoiceAction = 'rename' | 'share' | 'delete' | 'use';

/** The requester may not do this to the voice (only its owner may change it; managers may delete shared voices of their guild). */
export class VoicePermissionError extends ChorusError {
  readonly action: VoiceAction;
  readonly voiceId: string;

  constructor(action: VoiceAction, voiceId: string, message: string) {
    super('voice-permission', message);
    this.action = action;
    this.voiceId = voiceId;
  }
}
