import type { PcmChunk } from '../audio/PcmChunk.ts';
import type { Sentence } from '../text/TextPart.ts';
import type { EngineFeatures, Voice } from '../voices/Voice.ts';
import type { DecodedClip } from '../audio/DecodedClip.ts';

/** What an engine needs to know of a voice at synthesis time. */
export type VoiceForSynthesis = Pick<Voice, 'id' | 'language' | 'features'>;

export interface SynthesisRequest {
  readonly sentences: readonly Sentence[];
  readonly voice: VoiceForSynthesis;
  /** Aborting stops synthesis between chunks; the stream then ends with a CancelledError. */
  readonly signal?: AbortSignal;
}

/**
 * A text-to-speech engine. Implementations run their heavy work off the main event loop
 * (worker threads) and stream audio sentence by sentence, so playback starts after the first sentence.
 */
export interface SynthesisEngine {
  /** Stable id; also the key of this engine's entry in `Voice.features`. */
  readonly id: string;
  /** Sample rate of every chunk this engine yields. */
  readonly sampleRate: number;
  synthesize(request: SynthesisRequest): AsyncIterable<PcmChunk>;
  /** Computes this engine's features for a new voice from its normalised reference clip. */
  analyseVoice(clip: DecodedClip, transcript: string, language: Voice['language']): Promise<EngineFeatures[string]>;
  close(): Promise<void>;
}
