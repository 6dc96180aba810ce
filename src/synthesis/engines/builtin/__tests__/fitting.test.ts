import { describe, expect, it } from 'vitest';
import type { FormantSummary, RobustFormants } from '../../../../audio/analysis/formants.ts';
import { longTermSpectrum, spectrumDistanceDb } from '../../../../audio/analysis/longTermSpectrum.ts';
import { meanCepstrum, melCepstralDistanceDb, mfccFrames } from '../../../../audio/analysis/mfcc.ts';
import { sincResample } from '../../../../audio/analysis/sincResample.ts';
import { whiteNoise } from '../../../../audio/analysis/__tests__/syntheticSignals.ts';
import { THIRD_OCTAVE_CENTRES_HZ } from '../../../../audio/analysis/thirdOctaveBands.ts';
import { estimateVocalTract, FORMANT_SCALE_RANGE } from '../estimateVocalTract.ts';
import { EQ_HIGH_CUT_LIMIT_DB, EQ_LIMIT_DB, fitEqualiserGains, OCTAVE_LIFT_LIMIT_DB } from '../fitEqualiser.ts';
import { highBandLevelDb, spectralTiltDbPerOctave } from '../fitBuiltinVoiceProfile.ts';
import { StreamingEqualiser } from '../StreamingEqualiser.ts';

const RATE = 22050;

function summary(medians: readonly [number, number, number], ceilingHz = 5000, frames = 300): FormantSummary {
  return { ceilingHz, medians, dispersion: 0.3, frames };
}

function robust(...summaries: FormantSummary[]): RobustFormants {
  return { best: summaries[0]!, byCeiling: summaries };
}

const noise = (length: number, seed = 7): Float32Array => whiteNoise(length, 0.1, seed);

describe('estimateVocalTract', () => {
  const base = robust(summary([500, 1500, 2500]));

  it('halves a confident deviation (shrink toward 1)', () => {
    const estimate = estimateVocalTract(robust(summary([550, 1650, 2750]), summary([555, 1660, 2760], 5500)), base);
    expect(estimate.ratio).toBeCloseTo(1.1, 6);
    expect(estimate.confidence).toBeGreaterThan(0.8);
    expect(estimate.formantScale).toBeCloseTo(1.05, 3);
  });

  it('clamps large ratios to the allowed range', () => {
    const high = estimateVocalTract(robust(summary([660, 1980, 3300]), summary([660, 1980, 3300], 5500)), base);
    expect(high.formantScale).toBe(FORMANT_SCALE_RANGE[1]);
    const low = estimateVocalTract(robust(summary([405, 1215, 2025]), summary([405, 1215, 2025], 5500)), base);
    expect(low.formantScale).toBeGreaterThanOrEqual(FORMANT_SCALE_RANGE[0]);
    expect(low.formantScale).toBeLessThan(0.92);
  });

  it('keeps 1 when ceilings disagree, frames are few, or nothing was measured', () => {
    const disagreeing = estimateVocalTract(robust(summary([550, 1650, 2750]), summary([500, 1400, 2300], 4500)), base);
    expect(disagreeing.confidence).toBeLessThan(0.5);
    expect(disagreeing.formantScale).toBe(1);
    expect(estimateVocalTract(robust(summary([550, 1650, 2750], 5000, 20), summary([550, 1650, 2750], 5500, 20)), base).formantScale).toBe(1);
    expect(estimateVocalTract(null, base)).toEqual({ ratio: null, confidence: 0, formantScale: 1 });
  });
});

describe('fitEqualiserGains', () => {
  const flat = THIRD_OCTAVE_CENTRES_HZ.map(() => -30);

  it('recovers a smooth difference, level-normalised', () => {
    const tilt = THIRD_OCTAVE_CENTRES_HZ.map((_hz, b) => -30 + 5 + (b - 9) * 0.5);
    const gains = fitEqualiserGains(tilt, flat);
    // Loudness compensation shifts all bands equally; the shape survives.
    for (let b = 1; b < 17; b += 1) expect(Math.abs(gains[b + 1]! - gains[b]! - 0.5)).toBeLessThanOrEqual(0.11);
  });

  it('clamps boosts to +10 dB and treble cuts to −9 dB', () => {
    const extreme = THIRD_OCTAVE_CENTRES_HZ.map((hz) => (hz < 1000 ? 0 : -60));
    const gains = fitEqualiserGains(extreme, flat);
    gains.forEach((gain, b) => {
      expect(gain).toBeLessThanOrEqual(EQ_LIMIT_DB);
      expect(gain).toBeGreaterThanOrEqual(THIRD_OCTAVE_CENTRES_HZ[b]! >= 2500 ? EQ_HIGH_CUT_LIMIT_DB : -EQ_LIMIT_DB);
    });
    expect(gains.at(-1)).toBe(EQ_HIGH_CUT_LIMIT_DB);
  });

  it('moves an equalised render toward the reference spectrum (closed loop on noise)', () => {
    const reference = new StreamingEqualiser(THIRD_OCTAVE_CENTRES_HZ.map((hz) => 5 * Math.cos(Math.log2(hz / 100))), RATE).processFloat(noise(RATE * 2));
    const render = noise(RATE * 2, 99);
    const referenceDb = longTermSpectrum(reference, RATE).bandDb;
    const renderDb = longTermSpectrum(render, RATE).bandDb;
    const gains = fitEqualiserGains(referenceDb, renderDb);
    const equalised = new StreamingEqualiser(gains, RATE).processFloat(render.slice());
    const distance = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
      const d = Array.from(a, (v, i) => v - b[i]!);
      const m = d.reduce((s, v) => s + v, 0) / d.length;
      return Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / d.length);
    };
    const before = distance(referenceDb, renderDb);
    const after = distance(referenceDb, longTermSpectrum(equalised, RATE).bandDb);
    expect(before).toBeGreaterThan(3);
    expect(after).toBeLessThan(0.25 * before);
  });
});

describe('fitEqualiserGains in the voice\'s harmonic region', () => {
  it('lifts a band at most OCTAVE_LIFT_LIMIT_DB above the band an octave below, up to twice the highest F0', () => {
    const flat = THIRD_OCTAVE_CENTRES_HZ.map(() => -30);
    // The reference has 8 dB more at 250 Hz (and 500 Hz) than the render, nothing more an octave below.
    const reference = THIRD_OCTAVE_CENTRES_HZ.map((hz) => (Math.abs(hz - 252) < 2 || Math.abs(hz - 504) < 2 ? -22 : -30));
    const band = (hz: number): number => THIRD_OCTAVE_CENTRES_HZ.findIndex((centre) => Math.abs(centre - hz) < 2);
    const free = fitEqualiserGains(reference, flat);
    expect(free[band(252)]! - free[band(126)]!).toBeGreaterThan(OCTAVE_LIFT_LIMIT_DB + 2);
    const limited = fitEqualiserGains(reference, flat, { highestF0Hz: 200 });
    expect(limited[band(252)]! - limited[band(126)]!).toBeLessThanOrEqual(OCTAVE_LIFT_LIMIT_DB + 0.1);
    // 504 Hz lies above 2 × 200 Hz: not limited (compared with a band far from both; the level offset differs).
    expect(limited[band(504)]! - limited[band(2016)]!).toBeCloseTo(free[band(504)]! - free[band(2016)]!, 0);
  });
});

describe('fitEqualiserGains with a cepstral target', () => {
  const cepstrumOf = (samples: Float32Array): Float64Array => meanCepstrum(mfccFrames(sincResample(samples, RATE, 16000), 16000));
  const shaped = (gains: readonly number[], seed: number): Float32Array => new StreamingEqualiser(gains, RATE).processFloat(noise(RATE * 2, seed));

  it('gives up spectrum distance for cepstral distance only as far as asked, and the real filter follows the model', () => {
    // Conflicting targets: the long-term spectrum wants a treble lift, the cepstrum a treble cut.
    const lift = THIRD_OCTAVE_CENTRES_HZ.map((hz) => (hz > 2000 ? 8 : 0));
    const cut = THIRD_OCTAVE_CENTRES_HZ.map((hz) => (hz > 2000 ? -6 : 0));
    const render = noise(RATE * 2, 99);
    const referenceDb = longTermSpectrum(shaped(lift, 5), RATE).bandDb;
    const renderDb = longTermSpectrum(render, RATE).bandDb;
    const referenceCepstrum = cepstrumOf(shaped(cut, 5));
    const renderCepstrum = cepstrumOf(render);
    const measure = (gains: readonly number[]): { ltas: number; mcd: number } => {
      const equalised = new StreamingEqualiser(gains, RATE).processFloat(render.slice());
      return { ltas: spectrumDistanceDb(referenceDb, longTermSpectrum(equalised, RATE).bandDb), mcd: melCepstralDistanceDb(referenceCepstrum, cepstrumOf(equalised)) };
    };
    const spectrumOnly = measure(fitEqualiserGains(referenceDb, renderDb));
    const start = melCepstralDistanceDb(referenceCepstrum, renderCepstrum);
    const withinDb = 0.5 * start;
    const joint = measure(fitEqualiserGains(referenceDb, renderDb, { cepstra: { reference: referenceCepstrum, render: renderCepstrum, withinDb } }));
    expect(spectrumOnly.mcd).toBeGreaterThan(start);
    // The linear model (EQ response at each mel centre) is good to a few tenths of a dB.
    expect(joint.mcd).toBeLessThan(withinDb + 0.4);
    expect(joint.ltas).toBeGreaterThan(spectrumOnly.ltas);
    // Already within reach: the cepstral target changes nothing.
    const relaxed = fitEqualiserGains(referenceDb, renderDb, { cepstra: { reference: referenceCepstrum, render: renderCepstrum, withinDb: 99 } });
    expect(relaxed).toEqual(fitEqualiserGains(referenceDb, renderDb));
  });
});

describe('StreamingEqualiser', () => {
  it('gives the same output in chunks as in one piece, and saturates instead of wrapping', () => {
    const gains = THIRD_OCTAVE_CENTRES_HZ.map((_hz, b) => (b % 2 === 0 ? 6 : -4));
    const input = Int16Array.from(noise(4000), (x) => Math.round(x * 30000));
    const whole = new StreamingEqualiser(gains, RATE).process(input);
    const chunked = new StreamingEqualiser(gains, RATE);
    const joined = new Int16Array(input.length);
    joined.set(chunked.process(input.subarray(0, 1234)), 0);
    joined.set(chunked.process(input.subarray(1234)), 1234);
    expect(joined).toEqual(whole);
    const loud = new StreamingEqualiser(THIRD_OCTAVE_CENTRES_HZ.map(() => 10), RATE).process(Int16Array.from({ length: 2000 }, (_, i) => (i % 50 < 25 ? 30000 : -30000)));
    expect(Math.max(...loud)).toBe(32767);
    expect(Math.min(...loud)).toBe(-32768);
  });
});

describe('spectrum descriptors', () => {
  it('measures the tilt of a spectrum whose density falls 6 dB per octave', () => {
    const bands = THIRD_OCTAVE_CENTRES_HZ.map((hz) => 10 * Math.log10(hz) - 6 * Math.log2(hz / 100));
    expect(spectralTiltDbPerOctave(bands)).toBeCloseTo(-6, 6);
  });

  it('reports the treble level relative to the mid band', () => {
    const muffled = THIRD_OCTAVE_CENTRES_HZ.map((hz) => (hz > 3500 ? -80 : -20));
    expect(highBandLevelDb(muffled)).toBeCloseTo(-60, 6);
  });
});
