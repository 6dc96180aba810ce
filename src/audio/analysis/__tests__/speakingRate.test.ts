import { describe, expect, it } from 'vitest';
import { mfccFrames, meanCepstrum, melCepstralDistanceDb } from '../mfcc.ts';
import { sincResample } from '../sincResample.ts';
import { speakingRate } from '../speakingRate.ts';
import { harmonics, resonate, whiteNoise } from './syntheticSignals.ts';

const RATE = 16000;

/** Voiced "syllables": a 150 Hz harmonic tone, raised-cosine bursts at `rate` per second with short gaps. */
function syllables(rate: number, seconds: number): Float32Array {
  const tone = harmonics(150, RATE, seconds);
  const period = RATE / rate;
  for (let i = 0; i < tone.length; i += 1) {
    const phase = (i % period) / period;
    tone[i] = tone[i]! * (phase < 0.8 ? 0.5 - 0.5 * Math.cos((2 * Math.PI * phase) / 0.8) : 0.05);
  }
  return tone;
}

describe('speakingRate', () => {
  for (const rate of [3, 4.5, 6]) {
    it(`counts ${rate} syllables per second within 10 %`, () => {
      const result = speakingRate(syllables(rate, 6), RATE);
      expect(Math.abs(result.syllables / (rate * 6) - 1)).toBeLessThan(0.1);
      expect(result.speechSeconds).toBeGreaterThan(3);
    });
  }

  it('counts nothing in silence, and only included peaks', () => {
    expect(speakingRate(new Float32Array(RATE), RATE).syllables).toBe(0);
    expect(speakingRate(syllables(4, 4), RATE, { include: (seconds) => seconds < 2 }).syllables).toBeCloseTo(8, -1);
  });
});

describe('mfcc', () => {
  const noise = whiteNoise(RATE * 2);
  const coloured = resonate(noise, RATE, [[800, 300]]);

  it('gives zero distance for the same signal at another level', () => {
    const a = meanCepstrum(mfccFrames(coloured, RATE));
    const b = meanCepstrum(mfccFrames(coloured.map((x) => x * 0.3), RATE));
    expect(a).toHaveLength(13);
    expect(melCepstralDistanceDb(a, b)).toBeLessThan(0.01);
  });

  it('separates differently coloured noise by several dB', () => {
    expect(melCepstralDistanceDb(meanCepstrum(mfccFrames(noise, RATE)), meanCepstrum(mfccFrames(coloured, RATE)))).toBeGreaterThan(5);
  });
});

describe('sincResample', () => {
  it('keeps a 1 kHz sine’s frequency and level when going 16 kHz → 11 kHz', () => {
    const input = harmonics(1000, RATE, 0.5, 1);
    const output = sincResample(input, RATE, 11000);
    expect(output.length).toBe(Math.floor(input.length * (11000 / RATE)));
    let crossings = 0;
    for (let i = 1; i < output.length; i += 1) if (output[i - 1]! < 0 && output[i]! >= 0) crossings += 1;
    expect(crossings).toBeGreaterThanOrEqual(498);
    expect(crossings).toBeLessThanOrEqual(501);
    const rms = (x: Float32Array, from: number, to: number): number => Math.sqrt(x.subarray(from, to).reduce((s, v) => s + v * v, 0) / (to - from));
    expect(rms(output, 500, 5000) / rms(input, 800, 7000)).toBeCloseTo(1, 2);
  });

  it('removes content above the new Nyquist frequency', () => {
    const output = sincResample(harmonics(7000, RATE, 0.5, 1), RATE, 11000);
    let peak = 0;
    for (let i = 200; i < output.length - 200; i += 1) peak = Math.max(peak, Math.abs(output[i]!));
    expect(peak).toBeLessThan(0.01);
  });
});
