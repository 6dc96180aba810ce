import { describe, expect, it } from 'vitest';
import { longTermSpectrum, spectrumDifferenceDb, spectrumDistanceDb } from '../longTermSpectrum.ts';
import { THIRD_OCTAVE_CENTRES_HZ } from '../thirdOctaveBands.ts';
import { whiteNoise } from './syntheticSignals.ts';

const RATE = 16000;

/** y[n] = x[n] − 0.7·x[n−1]: a known, smooth high-pass tilt. */
function firstDifference(input: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let n = 0; n < input.length; n += 1) out[n] = input[n]! - 0.7 * (input[n - 1] ?? 0);
  return out;
}

const responseDb = (hz: number): number => 10 * Math.log10(1 + 0.49 - 1.4 * Math.cos((2 * Math.PI * hz) / RATE));

describe('longTermSpectrum', () => {
  const noise = whiteNoise(RATE * 4);
  const plain = longTermSpectrum(noise, RATE);
  const filtered = longTermSpectrum(firstDifference(noise), RATE);

  it('has 19 third-octave bands from 100 Hz to 6.4 kHz', () => {
    expect(plain.bandCentresHz).toHaveLength(19);
    expect(plain.bandCentresHz[0]).toBe(100);
    expect(plain.bandCentresHz[18]).toBeCloseTo(6400, 6);
    expect(plain.frames).toBeGreaterThan(350);
  });

  it('rises 1 dB per band for white noise (band power ∝ bandwidth)', () => {
    for (let b = 4; b < 19; b += 1) expect(plain.bandDb[b]! - plain.bandDb[b - 1]!).toBeCloseTo(1.0, 0);
  });

  it('recovers a known filter shape from filtered noise within 0.6 dB per band', () => {
    const difference = Array.from(filtered.bandDb, (db, b) => db - plain.bandDb[b]!);
    THIRD_OCTAVE_CENTRES_HZ.forEach((hz, b) => expect(Math.abs(difference[b]! - responseDb(hz))).toBeLessThan(0.6));
    // A real difference: the filter spans > 10 dB over the bands.
    expect(difference[18]! - difference[0]!).toBeGreaterThan(10);
  });

  it('only uses frames the include predicate keeps', () => {
    const joined = new Float32Array(noise.length * 2);
    joined.set(noise, 0);
    joined.set(firstDifference(noise), noise.length);
    const secondHalf = longTermSpectrum(joined, RATE, { include: (seconds) => seconds > 4.1 });
    expect(spectrumDistanceDb(secondHalf.bandDb, filtered.bandDb)).toBeLessThan(0.3);
    expect(spectrumDistanceDb(plain.bandDb, filtered.bandDb)).toBeGreaterThan(3);
  });
});

describe('spectrumDistanceDb', () => {
  it('ignores overall level and measures shape', () => {
    const a = [0, 1, 2, 3];
    expect(spectrumDistanceDb(a, a.map((x) => x + 7))).toBeCloseTo(0, 12);
    expect(spectrumDistanceDb([0, 0, 0, 0], [1, -1, 1, -1])).toBeCloseTo(1, 12);
    expect(Array.from(spectrumDifferenceDb([2, 4], [0, 0]))).toEqual([-1, 1]);
  });

  it('refuses spectra with different band counts', () => {
    expect(() => spectrumDistanceDb([1, 2], [1])).toThrow(RangeError);
  });
});

describe('longTermSpectrum frequency resolution', () => {
  const rate = 22050;
  const tone = Float32Array.from({ length: rate * 2 }, (_, n) => Math.sin((2 * Math.PI * 200 * n) / rate));
  const bandOf = (hz: number): number => THIRD_OCTAVE_CENTRES_HZ.findIndex((centre) => Math.abs(centre - hz) < 2);

  it('keeps a 200 Hz fundamental out of the 250 Hz band with 150 ms frames (40 ms frames smear it in)', () => {
    const long = longTermSpectrum(tone, rate, { frameSeconds: 0.15, hopSeconds: 0.05 }).bandDb;
    const short = longTermSpectrum(tone, rate).bandDb;
    const leak = (bands: Float64Array): number => bands[bandOf(200)]! - bands[bandOf(252)]!;
    expect(leak(long)).toBeGreaterThan(25);
    expect(leak(short)).toBeLessThan(leak(long) - 10);
  });
});
