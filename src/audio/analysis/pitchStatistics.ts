/** Summary of a pitch track over its voiced frames, after octave-jump cleanup. */
export interface PitchStatistics {
  readonly voicedFrames: number;
  readonly medianHz: number;
  readonly p5Hz: number;
  readonly p95Hz: number;
  /** Semitones relative to SEMITONE_REFERENCE_HZ. */
  readonly medianSemitones: number;
  readonly p5Semitones: number;
  readonly p95Semitones: number;
  /** p95 − p5 in semitones: the speaker's working pitch range. */
  readonly rangeSemitones: number;
}

export interface PitchStatisticsOptions {
  /** Voiced runs shorter than this many frames are dropped as spurious detections. Default 3. */
  readonly minRunFrames?: number;
  /** Frames further than this from the median (in semitones) are octave-folded toward it. Default 8. */
  readonly octaveJumpSemitones?: number;
}

export const SEMITONE_REFERENCE_HZ = 100;

export function hzToSemitones(hz: number, referenceHz = SEMITONE_REFERENCE_HZ): number {
  return 12 * Math.log2(hz / referenceHz);
}

export function semitonesToHz(semitones: number, referenceHz = SEMITONE_REFERENCE_HZ): number {
  return referenceHz * 2 ** (semitones / 12);
}

/** Linear-interpolated percentile (0–100) of an ascending array. */
function percentile(sorted: Float64Array, percent: number): number {
  const position = (percent / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/**
 * Median, p5 and p95 of a per-frame F0 track (0 = unvoiced), or null when nothing is voiced.
 * Cleanup: short voiced runs are dropped, then frames an octave (or more) off the median are folded by
 * factors of two toward it — YIN's typical errors are exact octave jumps, which would widen the range.
 */
export function pitchStatistics(f0: ArrayLike<number>, options: PitchStatisticsOptions = {}): PitchStatistics | null {
  const minRunFrames = options.minRunFrames ?? 3;
  const octaveJump = options.octaveJumpSemitones ?? 8;

  const voiced: number[] = [];
  let runStart = -1;
  for (let i = 0; i <= f0.length; i += 1) {
    const isVoiced = i < f0.length && f0[i]! > 0;
    if (isVoiced && runStart < 0) runStart = i;
    if (!isVoiced && runStart >= 0) {
      if (i - runStart >= minRunFrames) for (let j = runStart; j < i; j += 1) voiced.push(f0[j]!);
      runStart = -1;
    }
  }
  if (voiced.length === 0) return null;

  const firstPass = Float64Array.from(voiced).sort();
  const roughMedian = percentile(firstPass, 50);
  const folded = new Float64Array(voiced.length);
  for (let i = 0; i < voiced.length; i += 1) {
    let hz = voiced[i]!;
    while (hzToSemitones(hz, roughMedian) > octaveJump) hz /= 2;
    while (hzToSemitones(hz, roughMedian) < -octaveJump) hz *= 2;
    folded[i] = hz;
  }
  folded.sort();

  return pitchSummary(folded.length, percentile(folded, 5), percentile(folded, 50), percentile(folded, 95));
}

/** The statistics of `voicedFrames` frames with these percentiles, the semitone fields derived from them. */
export function pitchSummary(voicedFrames: number, p5Hz: number, medianHz: number, p95Hz: number): PitchStatistics {
  return {
    voicedFrames,
    medianHz,
    p5Hz,
    p95Hz,
    medianSemitones: hzToSemitones(medianHz),
    p5Semitones: hzToSemitones(p5Hz),
    p95Semitones: hzToSemitones(p95Hz),
    rangeSemitones: hzToSemitones(p95Hz) - hzToSemitones(p5Hz),
  };
}
