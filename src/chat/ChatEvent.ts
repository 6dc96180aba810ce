import type { Platform } from '../voices/Voice.ts';
import type { PlaybackTargetId } from '../speech/SpeechJob.ts';

/**
 * What a gateway hands to chat policy: one thing someone said, in platform-neutral form.
 * Gateways fill it; nothing downstream knows which gateway it came from except through `platform`.
 */
export interface ChatEvent {
  /** Unique per event (platform message id or a generated one); becomes the speech job id. */
  readonly id: string;
  readonly platform: Platform;
  /** Where the speech should be played. */
  readonly target: PlaybackTargetId;
  /** The community the author speaks in (Discord guild, Bilibili room); scopes shared voices. */
  readonly scopeId?: string;
  readonly author: { readonly userId: string; readonly displayName: string; readonly isBot?: boolean };
  readonly text: string;
  /** `command` for an explicit /say, `chat` for ordinary messages read aloud. */
  readonly kind: 'chat' | 'command';
  /** A voice the author asked for explicitly (by name), overriding their selected voice. */
  readonly voiceName?: string;
  /** Milliseconds since the epoch. */
  readonly receivedAt: number;
}
