import { VoiceFeaturesError } from './GptSovitsErrors.ts';

/**
 * What registration computes once per voice and stores in `Voice.features['gpt-sovits']`. Typed arrays
 * survive the voice store's JSON encoding (src/voices/featuresJson.ts) and worker messages.
 */
export interface GptSovitsVoiceFeatures {
  readonly format: 'gpt-sovits-v2/1';
  /** Semantic tokens of the reference window (25 per second of reference + 0.6 s padding). */
  readonly promptTokens: Int16Array;
  /** Phone ids of the reference transcript (the part spoken in the window). */
  readonly referencePhoneIds: Int16Array;
  /** The reference window at 32 kHz, 16-bit (the vocoder computes the timbre from it). */
  readonly referenceAudio32k: Int16Array;
  readonly transcriptUsed: string;
  readonly windowSeconds: { readonly start: number; readonly end: number };
}

export const FEATURES_FORMAT = 'gpt-sovits-v2/1';

export function readVoiceFeatures(value: unknown, voiceId: string): GptSovitsVoiceFeatures {
  const record = value as Partial<GptSovitsVoiceFeatures> | undefined;
  if (
    record === undefined || record === null || typeof record !== 'object' || record.format !== FEATURES_FORMAT ||
    !(record.promptTokens instanceof Int16Array) || !(record.referencePhoneIds instanceof Int16Array) ||
    !(record.referenceAudio32k instanceof Int16Array) || record.promptTokens.length === 0 || record.referencePhoneIds.length === 0
  ) {
    throw new VoiceFeaturesError(`Voice ${voiceId} has no GPT-SoVITS reference data (it was registered before this engine was enabled). Register it again with /clone.`);
  }
  return record as GptSovitsVoiceFeatures;
}
