import type { RobustFormants } from '../../../audio/analysis/formants.ts';

/** Weights of F1, F2, F3 in the vocal-tract ratio: F1 moves most with vowel content, F2/F3 with length. */
const WEIGHTS = [0.2, 0.4, 0.4] as const;
/** Half of the measured deviation is applied: the estimate is noisy and an over-estimate costs intelligibility. */
const SHRINK = 0.5;
export const FORMANT_SCALE_RANGE = [0.9, 1.15] as const;
/** Below this confidence the formants are left alone (scale 1). */
export const MIN_VOCAL_TRACT_CONFIDENCE = 0.5;

export interface VocalTractEstimate {
  /** Reference formants ÷ base-voice formants (weighted geometric mean), before shrinking; null if unmeasurable. */
  readonly ratio: number | null;
  readonly confidence: number;
  /** What goes into the profile: shrunk toward 1, clamped, 1 when confidence is low. */
  readonly formantScale: number;
}

function weightedRatio(reference: readonly number[], base: readonly number[]): number {
  let log = 0;
  for (let i = 0; i < 3; i += 1) log += WEIGHTS[i]! * Math.log(reference[i]! / base[i]!);
  return Math.exp(log);
}

/**
 * Vocal-tract (formant) scale of the reference relative to the base espeak voice, estimated so that a bad
 * measurement does little harm (docs/builtin-voice.md §3.2: one LPC estimate of 1.22 against Praat's 1.05
 * made a female clone much less intelligible). Confidence falls when the two most stable formant ceilings
 * disagree about the ratio, when few frames were tracked, or when the ratio is implausible for adult speech.
 */
export function estimateVocalTract(reference: RobustFormants | null, base: RobustFormants | null): VocalTractEstimate {
  if (reference === null || base === null) return { ratio: null, confidence: 0, formantScale: 1 };
  const ratio = weightedRatio(reference.best.medians, base.best.medians);
  const runnerUp = reference.byCeiling[1];
  const disagreement = runnerUp === undefined ? 0.1 : Math.abs(Math.log(weightedRatio(runnerUp.medians, base.best.medians) / ratio));
  // 0 at ≥ 12 % disagreement between ceilings, 1 at none.
  const agreement = Math.max(0, 1 - disagreement / 0.12);
  const enoughFrames = Math.min(1, reference.best.frames / 150);
  const plausible = ratio > 0.8 && ratio < 1.35 ? 1 : 0;
  const confidence = Math.round(agreement * enoughFrames * plausible * 100) / 100;
  if (confidence < MIN_VOCAL_TRACT_CONFIDENCE) return { ratio, confidence, formantScale: 1 };
  const shrunk = 1 + SHRINK * (ratio - 1);
  const formantScale = Math.round(Math.min(FORMANT_SCALE_RANGE[1], Math.max(FORMANT_SCALE_RANGE[0], shrunk)) * 1000) / 1000;
  return { ratio, confidence, formantScale };
}
