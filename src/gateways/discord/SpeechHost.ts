import type { ChatEvent } from '../../chat/ChatEvent.ts';
import type { AudioSink } from '../../playback/AudioSink.ts';
import type { Player } from '../../playback/Player.ts';
import type { PlaybackTargetId } from '../../speech/SpeechJob.ts';
import type { SynthesisEngine } from '../../synthesis/SynthesisEngine.ts';
import type { VoiceEnrollment } from '../../voices/VoiceEnrollment.ts';
import type { VoiceRegistry } from '../../voices/VoiceRegistry.ts';

/** What the Discord gateway needs of the pipeline (the app's Chorus provides it). */
export interface SpeechHost {
  readonly registry: VoiceRegistry;
  readonly enrollment: VoiceEnrollment;
  readonly engine: SynthesisEngine;
  say(event: ChatEvent): Promise<{ readonly kind: 'queued' } | { readonly kind: 'dropped'; readonly detail: string }>;
  player(target: PlaybackTargetId): Player;
  attachSink(target: PlaybackTargetId, sink: AudioSink): void;
  detachSink(target: PlaybackTargetId, sink: AudioSink): void;
}

/** The playback target of a guild: one player, one queue per guild. */
export function guildTarget(guildId: string): PlaybackTargetId {
  return `discord:${guildId}`;
}
