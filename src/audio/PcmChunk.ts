/**
 * Mono 16-bit PCM as engines produce it. Chunks of one utterance share one sample rate.
 * `sentenceIndex` says which sentence of the utterance the samples belong to (for subtitles and pacing).
 */
export interface PcmChunk {
  readonly samples: Int16Array;
  readonly sampleRate: number;
  readonly sentenceIndex: number;
}
