/**
 * The 19 one-third-octave bands from 100 Hz to 6.4 kHz (centres 100·2^(k/3)) over which long-term spectra
 * are compared and equalised: fine enough for spectral tilt and formant-region colour, coarse enough to be
 * stable on 10–30 s of speech.
 */
export const THIRD_OCTAVE_CENTRES_HZ: readonly number[] = Array.from({ length: 19 }, (_, k) => 100 * 2 ** (k / 3));

export function bandEdgesHz(centreHz: number): readonly [number, number] {
  return [centreHz * 2 ** (-1 / 6), centreHz * 2 ** (1 / 6)];
}
