import { describe, expect, it } from 'vitest';
import { robustFormants, trackFormants, summariseFormants } from '../formants.ts';
import { burgLpc, lpcEnvelopeDb, lpcResonances, polynomialRoots } from '../lpc.ts';
import { resonate, vowel, whiteNoise } from './syntheticSignals.ts';

const RATE = 16000;
const MALE: ReadonlyArray<readonly [number, number]> = [[700, 80], [1200, 90], [2600, 120], [3500, 200]];

describe('polynomialRoots', () => {
  it('finds real and complex roots', () => {
    // (z − 0.5)(z² − 0.6z + 0.25) → roots 0.5, 0.3 ± 0.4i
    const roots = polynomialRoots([1, -1.1, 0.55, -0.125]).sort((a, b) => a[1] - b[1]);
    expect(roots[0]![0]).toBeCloseTo(0.3, 9);
    expect(roots[0]![1]).toBeCloseTo(-0.4, 9);
    expect(roots[1]![0]).toBeCloseTo(0.5, 9);
    expect(roots[2]![1]).toBeCloseTo(0.4, 9);
  });
});

describe('burgLpc', () => {
  it('recovers the resonance of noise through a known two-pole filter', () => {
    const signal = resonate(whiteNoise(8000), RATE, [[1500, 100]]);
    const resonances = lpcResonances(burgLpc(signal, 2), RATE);
    expect(resonances).toHaveLength(1);
    expect(resonances[0]!.frequencyHz).toBeCloseTo(1500, -1);
    expect(resonances[0]!.bandwidthHz).toBeGreaterThan(60);
    expect(resonances[0]!.bandwidthHz).toBeLessThan(160);
  });

  it('gives an envelope that peaks at the resonance', () => {
    const envelope = lpcEnvelopeDb(burgLpc(resonate(whiteNoise(4000), RATE, [[2000, 150]]), 4), 512);
    let peak = 0;
    for (let k = 1; k < envelope.length; k += 1) if (envelope[k]! > envelope[peak]!) peak = k;
    expect((peak * RATE) / 512).toBeGreaterThan(1900);
    expect((peak * RATE) / 512).toBeLessThan(2100);
  });
});

describe('trackFormants', () => {
  it('finds F1–F3 of a pulse train at 120 Hz through known resonators within 5 %', () => {
    const summary = summariseFormants(trackFormants(vowel(120, MALE, RATE, 1), RATE, { ceilingHz: 5000 }), 5000)!;
    expect(summary.frames).toBeGreaterThan(80);
    [700, 1200, 2600].forEach((expected, i) => expect(Math.abs(summary.medians[i]! / expected - 1)).toBeLessThan(0.05));
  });

  it('skips excluded frames', () => {
    expect(trackFormants(vowel(120, MALE, RATE, 0.5), RATE, { ceilingHz: 5000, include: () => false })).toEqual([]);
  });
});

describe('robustFormants', () => {
  it('measures a 15 % shorter vocal tract as formants 15 % higher (±4 %)', () => {
    const scaled = MALE.map(([f, b]) => [f * 1.15, b] as const);
    const base = robustFormants(vowel(130, MALE, RATE, 1), RATE)!;
    const short = robustFormants(vowel(200, scaled, RATE, 1), RATE)!;
    for (let i = 0; i < 3; i += 1) expect(Math.abs(short.best.medians[i]! / base.best.medians[i]! - 1.15)).toBeLessThan(0.04);
    expect(base.byCeiling.length).toBeGreaterThan(1);
  });

  it('returns null for silence', () => {
    expect(robustFormants(new Float32Array(RATE), RATE)).toBeNull();
  });
});
