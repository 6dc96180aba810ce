import { cepstrumOfLogMel, melFilterCentresHz } from '../../../audio/analysis/mfcc.ts';
import { spectrumDifferenceDb } from '../../../audio/analysis/longTermSpectrum.ts';
import { THIRD_OCTAVE_CENTRES_HZ } from '../../../audio/analysis/thirdOctaveBands.ts';

/** Largest boost or cut of the static EQ: beyond this the reference's microphone/room dominates. */
export const EQ_LIMIT_DB = 10;
/**
 * Cuts above this frequency are limited to EQ_HIGH_CUT_LIMIT_DB: deep treble cuts cost intelligibility.
 * −9 dB rather than the prototype's −6: its ablation (docs/builtin-voice.md §3.2) found the EQ changes
 * ASR error little (female reference: ±10 dB EQ 0.96 WER / 0.47 digit error vs ±6 dB 0.96 / 0.77), while the
 * −6 dB floor left the female reference's treble 6–7 dB too loud (LTAS 3.7–4.2 dB, target ≤ 3.5).
 */
export const EQ_HIGH_CUT_FROM_HZ = 2500;
export const EQ_HIGH_CUT_LIMIT_DB = -9;

/** Mean mel cepstra (c0..c12, mfccFrames' scaling) of the reference and of the render the EQ will act on. */
export interface CepstralTarget {
  readonly reference: ArrayLike<number>;
  readonly render: ArrayLike<number>;
  /**
   * Mel-cepstral distance (dB) the EQ should get down to: the fit gives up as little long-term-spectrum
   * distance as it can for it (the lightest weight on a ladder that the linear model says reaches it).
   */
  readonly withinDb: number;
}

export interface EqualiserFitOptions {
  /** Also pull the mean cepstrum toward the reference's (see fitEqualiserGains). */
  readonly cepstra?: CepstralTarget;
  /**
   * Highest F0 the equalised voice reaches (e.g. its p95, Hz). Up to twice this, where bands hold the
   * fundamental or second harmonic of voiced frames, a band is lifted at most OCTAVE_LIFT_LIMIT_DB above
   * the band an octave below it.
   */
  readonly highestF0Hz?: number;
}

/**
 * Most a band in the voice's harmonic region may be lifted above the band an octave below: a steeper lift
 * lets the second harmonic of the lower frames outweigh their fundamental, and their pitch grows ambiguous — on
 * the bench a +6 dB lift at 250 Hz over 125 Hz (female reference) moved its pitch tracker's reading of
 * those frames (Mandarin tone correlation 0.96–0.97 → 0.94; limit +5 dB: 0.94, +4: 0.95, +3.5 and +3:
 * 0.95–0.96, single runs with ±0.01 of run-to-run noise). The price is long-term-spectrum distance where the
 * reference's pitch sits higher than espeak's tones reach (that reference: 3.2 dB unlimited, 3.6–3.9 here).
 */
export const OCTAVE_LIFT_LIMIT_DB = 3.5;

const BANDS = THIRD_OCTAVE_CENTRES_HZ.length;
/** Cepstral coefficients the distance covers (c1..c12; c0 is level). */
const CEPSTRAL_ORDER = 12;
/**
 * Penalty on gain differences between neighbouring bands, per dB² (the spectrum term weighs each band's
 * squared error 1/19 ≈ 0.053): a light one, so a single band can still be lifted most of the way — the
 * fundamental region of a voice spends its energy in one or two narrow low bands (a female reference's
 * 250 Hz band was 13 dB short after the earlier fixed [¼ ½ ¼] smoothing); how far a band may rise above
 * the one an octave below is limited separately (OCTAVE_LIFT_LIMIT_DB).
 */
const SMOOTHNESS = 0.01;
/** Weights of the squared cepstral distance tried in turn until the fit is within the asked distance. */
const CEPSTRAL_WEIGHTS = [0.25, 0.5, 1, 2, 4, 8] as const;
const DB_TO_NEPER_POWER = Math.LN10 / 10;
const CEPSTRUM_TO_DB = 10 / Math.LN10;

/**
 * How a band gain reaches each mel filter: the EQ's response at the filter's centre, modelled as linear
 * interpolation between band centres in log-frequency, falling to 0 one band beyond the outer bands.
 */
function bandToMelWeights(): number[][] {
  return melFilterCentresHz(16000).map((hz) => {
    const weights = new Array<number>(BANDS).fill(0);
    const x = 3 * Math.log2(hz / THIRD_OCTAVE_CENTRES_HZ[0]!);
    if (x <= 0) weights[0] = Math.max(0, 1 + x);
    else if (x >= BANDS - 1) weights[BANDS - 1] = Math.max(0, 1 - (x - (BANDS - 1)));
    else {
      const lower = Math.floor(x);
      weights[lower] = 1 - (x - lower);
      if (lower + 1 < BANDS) weights[lower + 1] = x - lower;
    }
    return weights;
  });
}

/** Rows c1..c12: change of the mean cepstrum (in dB, ×10/ln 10) per dB of gain in each band. */
let cepstralResponse: number[][] | null = null;
function cepstralResponseDb(): number[][] {
  if (cepstralResponse !== null) return cepstralResponse;
  const weights = bandToMelWeights();
  const rows = Array.from({ length: CEPSTRAL_ORDER }, () => new Array<number>(BANDS).fill(0));
  for (let b = 0; b < BANDS; b += 1) {
    const logMel = weights.map((row) => row[b]! * DB_TO_NEPER_POWER);
    const cepstrum = cepstrumOfLogMel(logMel, CEPSTRAL_ORDER + 1);
    for (let c = 1; c <= CEPSTRAL_ORDER; c += 1) rows[c - 1]![b] = cepstrum[c]! * CEPSTRUM_TO_DB;
  }
  cepstralResponse = rows;
  return rows;
}

const floorOf = (b: number): number => (THIRD_OCTAVE_CENTRES_HZ[b]! >= EQ_HIGH_CUT_FROM_HZ ? EQ_HIGH_CUT_LIMIT_DB : -EQ_LIMIT_DB);
const NO_CEILINGS: readonly number[] = THIRD_OCTAVE_CENTRES_HZ.map(() => EQ_LIMIT_DB);
const clampBand = (gain: number, b: number, ceilings = NO_CEILINGS): number => Math.min(ceilings[b]!, Math.max(floorOf(b), gain));

/** Upper limits per band: the global one, and within 2·highestF0Hz the octave-lift limit over `gains`. */
function ceilingsOver(gains: readonly number[], highestF0Hz: number): number[] {
  return THIRD_OCTAVE_CENTRES_HZ.map((hz, b) =>
    b >= 3 && hz <= 2 * highestF0Hz ? Math.min(EQ_LIMIT_DB, gains[b - 3]! + OCTAVE_LIFT_LIMIT_DB) : EQ_LIMIT_DB,
  );
}

/**
 * Minimises  LTAS² + w·MCD² + smoothness  over the band gains inside the clamps, by projected gradient
 * descent (19 unknowns; both distances are linear in the gains, so the problem is a small convex QP).
 * LTAS² = mean over bands of the level-normalised (target − gain)²; MCD² = 2·Σ (Δc − A·gain)² in dB.
 */
function solveJointGains(target: readonly number[], cepstralTargetDb: readonly number[], weight: number, start: readonly number[], smoothness: number, ceilings: readonly number[]): number[] {
  const response = cepstralResponseDb();
  // Hessian (halved) and linear term of the quadratic cost.
  const hessian = Array.from({ length: BANDS }, () => new Array<number>(BANDS).fill(0));
  const linear = new Array<number>(BANDS).fill(0);
  for (let i = 0; i < BANDS; i += 1) {
    for (let j = 0; j < BANDS; j += 1) {
      // LTAS term: (1/B)·|P(t − g)|², P removes the mean.
      hessian[i]![j]! += ((i === j ? 1 : 0) - 1 / BANDS) / BANDS;
      for (let c = 0; c < CEPSTRAL_ORDER; c += 1) hessian[i]![j]! += 2 * weight * response[c]![i]! * response[c]![j]!;
    }
    if (i + 1 < BANDS) {
      hessian[i]![i]! += smoothness;
      hessian[i + 1]![i + 1]! += smoothness;
      hessian[i]![i + 1]! -= smoothness;
      hessian[i + 1]![i]! -= smoothness;
    }
  }
  const meanTarget = target.reduce((s, v) => s + v, 0) / BANDS;
  for (let i = 0; i < BANDS; i += 1) {
    linear[i] = (target[i]! - meanTarget) / BANDS;
    for (let c = 0; c < CEPSTRAL_ORDER; c += 1) linear[i]! += 2 * weight * response[c]![i]! * cepstralTargetDb[c]!;
  }
  let bound = 0;
  for (const row of hessian) for (const value of row) bound += value * value;
  const step = 1 / Math.sqrt(bound);
  const gains = start.map((gain, b) => clampBand(gain, b, ceilings));
  for (let iteration = 0; iteration < 3000; iteration += 1) {
    let moved = 0;
    const gradient = hessian.map((row, i) => row.reduce((sum, h, j) => sum + h * gains[j]!, 0) - linear[i]!);
    for (let i = 0; i < BANDS; i += 1) {
      const next = clampBand(gains[i]! - step * gradient[i]!, i, ceilings);
      moved = Math.max(moved, Math.abs(next - gains[i]!));
      gains[i] = next;
    }
    if (moved < 1e-5) break;
  }
  return gains;
}

/**
 * Static EQ gains (dB per 1/3-octave band) that move the fitted espeak voice's long-term spectrum toward the
 * reference's: the level-normalised difference, fitted by least squares with a light smoothness penalty
 * (single bands are partly content, not voice), clamped, and shifted so the output's overall loudness stays
 * where it was. `renderDb` and `referenceDb` are long-term spectra over the same bands
 * (THIRD_OCTAVE_CENTRES_HZ).
 *
 * With `cepstra`, the gains also pull the mean mel cepstrum toward the reference's until the linear model
 * says it is within `withinDb`. The two measures weigh frames differently (the long-term spectrum is a mean
 * of power, dominated by loud vowels; the mean cepstrum a mean of log power, where quiet frames and
 * noise-filled bands count as much): matching an old recording's power above 4 kHz with a 10 dB boost
 * pushed the cepstrum away (bench, cmu reference: MCD 2.76 with vs 2.37 without EQ, stock espeak 2.27), and
 * the joint fit gives up a little spectrum distance for a lot of cepstral distance there.
 */
export function fitEqualiserGains(referenceDb: ArrayLike<number>, renderDb: ArrayLike<number>, options: EqualiserFitOptions = {}): number[] {
  const difference = Array.from(spectrumDifferenceDb(referenceDb, renderDb));
  const count = difference.length;
  const cepstra = options.cepstra;
  const fit = (ceilings: readonly number[]): number[] => {
    let gains = solveJointGains(difference, new Array<number>(CEPSTRAL_ORDER).fill(0), 0, difference, SMOOTHNESS, ceilings);
    if (cepstra !== undefined) {
      const response = cepstralResponseDb();
      const cepstralTarget = response.map((_row, c) => (cepstra.reference[c + 1]! - cepstra.render[c + 1]!) * CEPSTRUM_TO_DB);
      const predictedDistance = (candidate: readonly number[]): number =>
        Math.sqrt(2 * response.reduce((sum, row, c) => sum + (cepstralTarget[c]! - row.reduce((s, a, b) => s + a * candidate[b]!, 0)) ** 2, 0));
      for (const weight of CEPSTRAL_WEIGHTS) {
        if (predictedDistance(gains) <= cepstra.withinDb) break;
        gains = solveJointGains(difference, cepstralTarget, weight, gains, SMOOTHNESS, ceilings);
      }
    }
    return gains;
  };
  let gains = fit(NO_CEILINGS);
  if (options.highestF0Hz !== undefined) {
    // The octave-lift limit depends on the gains themselves: refit once within the limits the first fit sets.
    gains = fit(ceilingsOver(gains, options.highestF0Hz));
    // The refit may have lowered a band an octave below a limited one: enforce the limit on the result.
    for (let b = 3; b < count; b += 1) {
      if (THIRD_OCTAVE_CENTRES_HZ[b]! <= 2 * options.highestF0Hz) gains[b] = Math.min(gains[b]!, gains[b - 3]! + OCTAVE_LIFT_LIMIT_DB);
    }
  }
  // Keep the power-weighted mean gain at 0 dB so the EQ changes colour, not loudness (and does not clip).
  let renderPower = 0;
  let equalisedPower = 0;
  for (let b = 0; b < count; b += 1) {
    const power = 10 ** (renderDb[b]! / 10);
    renderPower += power;
    equalisedPower += power * 10 ** (gains[b]! / 10);
  }
  const offset = renderPower > 0 && equalisedPower > 0 ? 10 * Math.log10(equalisedPower / renderPower) : 0;
  gains = gains.map((gain, b) => clampBand(gain - offset, b));
  return gains.map((gain) => Math.round(gain * 10) / 10);
}
