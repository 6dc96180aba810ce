import { describe, expect, it } from 'vitest';
import { cepstrumOfLogMel, meanCepstrum, melCepstralDistanceDb, melFilterCentresHz, melFilterEdgesHz, mfccFrames } from '../mfcc.ts';
import { whiteNoise } from './syntheticSignals.ts';

const RATE = 16000;

/** y[n] = x[n] − 0.7·x[n−1]: a known, smooth high-pass tilt. */
function firstDifference(input: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let n = 0; n < input.length; n += 1) out[n] = input[n]! - 0.7 * (input[n - 1] ?? 0);
  return out;
}

/** Power response of firstDifference at `hz`, natural log. */
const lnPowerResponse = (hz: number): number => Math.log(1 + 0.49 - 1.4 * Math.cos((2 * Math.PI * hz) / RATE));

describe('mel filterbank', () => {
  it('spaces 26 filters evenly in mel from 60 Hz to 8 kHz', () => {
    const edges = melFilterEdgesHz(RATE);
    expect(edges).toHaveLength(28);
    expect(edges[0]).toBeCloseTo(60, 6);
    expect(edges.at(-1)).toBeCloseTo(8000, 6);
    const centres = melFilterCentresHz(RATE);
    expect(centres).toHaveLength(26);
    const mel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
    for (let m = 1; m < centres.length; m += 1) expect(mel(centres[m]!) - mel(centres[m - 1]!)).toBeCloseTo(mel(centres[1]!) - mel(centres[0]!), 6);
  });
});

describe('cepstrumOfLogMel', () => {
  it('puts a flat log-mel vector in c0 and one cosine in its own coefficient', () => {
    const flat = cepstrumOfLogMel(new Array(26).fill(2));
    expect(flat[0]).toBeCloseTo(1, 9);
    for (let c = 1; c < 13; c += 1) expect(flat[c]).toBeCloseTo(0, 9);
    const cosine = cepstrumOfLogMel(Array.from({ length: 26 }, (_, m) => Math.cos((Math.PI * 3 * (m + 0.5)) / 26)));
    cosine.forEach((value, c) => expect(value).toBeCloseTo(c === 3 ? 0.25 : 0, 9));
  });

  it('predicts how a known filter moves the mean cepstrum of noise (the EQ fit relies on this)', () => {
    const noise = whiteNoise(RATE * 4);
    const before = meanCepstrum(mfccFrames(noise, RATE));
    const after = meanCepstrum(mfccFrames(firstDifference(noise), RATE));
    const predicted = cepstrumOfLogMel(melFilterCentresHz(RATE).map(lnPowerResponse));
    const measuredShift = after.map((value, c) => value - before[c]!);
    // The filter moves the cepstrum by over 2 dB; the centre-frequency model gets within a few tenths.
    expect(melCepstralDistanceDb(after, before)).toBeGreaterThan(2);
    expect(melCepstralDistanceDb(measuredShift, predicted)).toBeLessThan(0.5);
  });
});
