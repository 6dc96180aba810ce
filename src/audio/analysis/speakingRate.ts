export interface SpeakingRateOptions {
  /** Only peaks where this is true count as syllable nuclei (e.g. voiced instants). Default: all. */
  readonly include?: (seconds: number) => boolean;
  /** A peak must rise this far (dB) above the dip before it and after the previous peak. Default 2. */
  readonly minDipDb?: number;
  /** Frames more than this below the 99th-percentile level are silence. Default 25 dB. */
  readonly silenceBelowPeakDb?: number;
}

export interface SpeakingRate {
  readonly syllables: number;
  /** Seconds of non-silent audio. */
  readonly speechSeconds: number;
  /** Syllable nuclei per second of speech (articulation rate). */
  readonly syllablesPerSecond: number;
}

/**
 * Articulation rate by counting syllable nuclei, in the manner of de Jong & Wempe (2009): intensity
 * envelope (50 ms frames, 10 ms hop), peaks above a silence threshold that stand out from the dips on
 * both sides by `minDipDb`, optionally only at voiced instants. Noisy (±20 % within a speaker across
 * texts), so it only ever nudges espeak's speed within a clamp.
 */
export function speakingRate(samples: Float32Array, sampleRate: number, options: SpeakingRateOptions = {}): SpeakingRate {
  const frameLength = Math.round(0.05 * sampleRate);
  const hop = Math.round(0.01 * sampleRate);
  const levels: number[] = [];
  for (let start = 0; start + frameLength <= samples.length; start += hop) {
    let energy = 0;
    // Hann-weighted energy smooths the envelope so pitch periods do not make peaks.
    for (let i = 0; i < frameLength; i += 1) energy += (samples[start + i]! ** 2) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / frameLength));
    levels.push(10 * Math.log10(energy / frameLength + 1e-12));
  }
  if (levels.length === 0) return { syllables: 0, speechSeconds: 0, syllablesPerSecond: 0 };
  const sorted = [...levels].sort((a, b) => a - b);
  // Never below −90 dBFS: digital silence has no syllables however quiet the rest is.
  const threshold = Math.max(-90, sorted[Math.floor(0.99 * (sorted.length - 1))]! - (options.silenceBelowPeakDb ?? 25));
  const minDip = options.minDipDb ?? 2;
  const centreSeconds = (frame: number): number => (frame * hop + frameLength / 2) / sampleRate;

  let syllables = 0;
  let speechFrames = 0;
  // Speech starts from silence, so the first peak is measured against the silence threshold.
  let dipSinceLastPeak = threshold;
  let candidate = -1;
  for (let i = 0; i < levels.length; i += 1) {
    const level = levels[i]!;
    if (level > threshold) speechFrames += 1;
    dipSinceLastPeak = Math.min(dipSinceLastPeak, level);
    const isLocalMax = level > threshold && (i === 0 || level >= levels[i - 1]!) && (i === levels.length - 1 || level > levels[i + 1]!);
    if (isLocalMax) {
      if (candidate >= 0) {
        if (level > levels[candidate]!) candidate = i;
      } else if (level - dipSinceLastPeak >= minDip) {
        candidate = i;
      }
    }
    // A candidate peak is confirmed once the level has fallen minDip below it (or the signal ends).
    if (candidate >= 0 && (levels[candidate]! - level >= minDip || i === levels.length - 1)) {
      if (options.include === undefined || options.include(centreSeconds(candidate))) syllables += 1;
      candidate = -1;
      dipSinceLastPeak = level;
    }
  }
  const speechSeconds = (speechFrames * hop) / sampleRate;
  return { syllables, speechSeconds, syllablesPerSecond: speechSeconds > 0 ? syllables / speechSeconds : 0 };
}
