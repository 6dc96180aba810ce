/** Mono float PCM in [-1, 1] with its sample rate: what decoding a user's upload produces. */
export interface DecodedClip {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}
