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

/**
 * Static EQ gains (dB per 1/3-octave band) that move the fitted espeak voice's long-term spectrum toward the
 * reference's: the level-normalised difference, smoothed across neighbouring bands (single bands are mostly
 * content, not voice), clamped, and shifted so the output's overall loudness stays where it was.
 * `renderDb` and `referenceDb` are long-term spectra over the same bands (THIRD_OCTAVE_CENTRES_HZ).
 */
export function fitEqualiserGains(referenceDb: ArrayLike<number>, renderDb: ArrayLike<number>): number[] {
  const difference = spectrumDifferenceDb(referenceDb, renderDb);
  const count = difference.length;
  const smoothed = Array.from(difference, (_, b) => {
    const left = difference[Math.max(0, b - 1)]!;
    const right = difference[Math.min(count - 1, b + 1)]!;
    return 0.25 * left + 0.5 * difference[b]! + 0.25 * right;
  });
  const clampBand = (gain: number, b: number): number => {
    const floor = THIRD_OCTAVE_CENTRES_HZ[b]! >= EQ_HIGH_CUT_FROM_HZ ? EQ_HIGH_CUT_LIMIT_DB : -EQ_LIMIT_DB;
    return Math.min(EQ_LIMIT_DB, Math.max(floor, gain));
  };
  let gains = smoothed.map(clampBand);
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
