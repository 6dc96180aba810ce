import { describe, expect, it } from 'vitest';
import { yin, yinFrameLayout } from '../Yin.ts';
import { hzToSemitones, pitchStatistics } from '../pitchStatistics.ts';

const SAMPLE_RATE = 22050;

/** Harmonics 1..n of f0 with falling amplitude (1/k), like a glottal source. */
function harmonicSum(f0: number, seconds: number, harmonics = 8): Float32Array {
  const out = new Float32Array(Math.round(SAMPLE_RATE * seconds));
  for (let i = 0; i < out.length; i += 1) {
    let value = 0;
    for (let k = 1; k <= harmonics && k * f0 < SAMPLE_RATE / 2; k += 1) {
      value += Math.sin((2 * Math.PI * k * f0 * i) / SAMPLE_RATE + k) / k;
    }
    out[i] = 0.3 * value;
  }
  return out;
}

/**
 * Glottal-like pulse train: narrow Gaussian pulses (σ = 1.5 samples) centred on the exact, fractional period
 * boundaries, so the signal is periodic at the true F0 rather than jittered to whole samples.
 */
function pulseTrain(f0: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(SAMPLE_RATE * seconds));
  const period = SAMPLE_RATE / f0;
  const sigma = 1.5;
  for (let centre = 0; centre < out.length + 8; centre += period) {
    for (let i = Math.max(0, Math.floor(centre - 8)); i < Math.min(out.length, Math.ceil(centre + 8)); i += 1) {
      out[i]! += 0.8 * Math.exp(-(((i - centre) / sigma) ** 2) / 2);
    }
  }
  return out;
}

/** Deterministic uniform white noise (xorshift32). */
function whiteNoise(seconds: number, seed = 12345): Float32Array {
  const out = new Float32Array(Math.round(SAMPLE_RATE * seconds));
  let state = seed;
  for (let i = 0; i < out.length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 0xffffffff - 0.5) * 0.6;
  }
  return out;
}

function voicedValues(track: Float32Array): number[] {
  return [...track].filter((hz) => hz > 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('yin', () => {
  for (const f0 of [100, 150, 220]) {
    it(`tracks a harmonic sum at ${f0} Hz within 1 % on every frame`, () => {
      const track = yin(harmonicSum(f0, 0.5), SAMPLE_RATE);
      expect(track.length).toBeGreaterThan(50);
      const voiced = voicedValues(track);
      expect(voiced.length).toBe(track.length);
      for (const hz of voiced) expect(Math.abs(hz - f0) / f0).toBeLessThan(0.01);
    });

    it(`tracks a pulse train at ${f0} Hz within 1 %`, () => {
      const track = yin(pulseTrain(f0, 0.5), SAMPLE_RATE);
      const voiced = voicedValues(track);
      expect(voiced.length / track.length).toBeGreaterThan(0.95);
      expect(Math.abs(median(voiced) - f0) / f0).toBeLessThan(0.01);
      for (const hz of voiced) expect(Math.abs(hz - f0) / f0).toBeLessThan(0.01);
    });
  }

  it('marks silence as unvoiced', () => {
    const track = yin(new Float32Array(SAMPLE_RATE / 2), SAMPLE_RATE);
    expect(track.length).toBeGreaterThan(50);
    expect(voicedValues(track)).toEqual([]);
  });

  it('marks white noise as mostly unvoiced', () => {
    const track = yin(whiteNoise(0.5), SAMPLE_RATE);
    expect(voicedValues(track).length / track.length).toBeLessThan(0.1);
  });

  it('follows a pitch change and honours the hop size', () => {
    const signal = new Float32Array(SAMPLE_RATE);
    signal.set(harmonicSum(120, 0.5), 0);
    signal.set(harmonicSum(240, 0.5), SAMPLE_RATE / 2);
    const hopSeconds = 0.01;
    const track = yin(signal, SAMPLE_RATE, { hopSeconds });
    const { hopSamples, frameSamples } = yinFrameLayout(SAMPLE_RATE, { hopSeconds });
    expect(hopSamples).toBe(Math.round(SAMPLE_RATE * hopSeconds));
    expect(track.length).toBe(Math.floor((signal.length - frameSamples) / hopSamples) + 1);
    expect(track[2]!).toBeCloseTo(120, 0);
    expect(track[track.length - 2]!).toBeCloseTo(240, 0);
  });

  it('ignores frequencies above the search range (reports the subharmonic period or nothing)', () => {
    const track = yin(harmonicSum(700, 0.3, 1), SAMPLE_RATE, { maxFrequencyHz: 500 });
    for (const hz of voicedValues(track)) expect(hz).toBeLessThanOrEqual(500);
  });
});

describe('pitchStatistics', () => {
  it('returns null when nothing is voiced', () => {
    expect(pitchStatistics(new Float32Array(100))).toBeNull();
  });

  it('gives median and percentiles in Hz and semitones, folding octave jumps', () => {
    const track: number[] = [];
    for (let i = 0; i < 200; i += 1) track.push(100 + (i % 21)); // 100..120 Hz
    track.push(0, 0);
    for (let i = 0; i < 10; i += 1) track.push(2 * 110); // an octave-jump run
    const stats = pitchStatistics(track)!;
    expect(stats.voicedFrames).toBe(210);
    expect(stats.medianHz).toBeCloseTo(110, 0);
    expect(stats.p95Hz).toBeLessThan(121);
    expect(stats.p5Hz).toBeGreaterThanOrEqual(100);
    expect(stats.p5Hz).toBeLessThan(102);
    expect(stats.medianSemitones).toBeCloseTo(hzToSemitones(stats.medianHz), 6);
    expect(stats.rangeSemitones).toBeCloseTo(stats.p95Semitones - stats.p5Semitones, 6);
  });

  it('drops voiced runs shorter than the minimum', () => {
    const track = [300, 0, 300, 0, ...new Array<number>(20).fill(150)];
    const stats = pitchStatistics(track, { minRunFrames: 3 })!;
    expect(stats.voicedFrames).toBe(20);
    expect(stats.p95Hz).toBeCloseTo(150, 6);
  });
});

describe('yin fallbackThreshold', () => {
  it('keeps fast-decaying voicing voiced at the right F0 where the strict threshold gives up', () => {
    // A 100 Hz pulse train whose level falls 80 dB in 0.3 s (a tone end): the level change between the
    // window and its shifted copy inflates YIN's difference function past a strict threshold.
    const base = pulseTrain(100, 0.3);
    const decaying = Float32Array.from(base, (x, i) => x * 10 ** (-4 * (i / base.length)));
    const options = { minFrequencyHz: 50, maxFrequencyHz: 500, hopSeconds: 0.01, threshold: 0.05 };
    const strict = yin(decaying, SAMPLE_RATE, options);
    const lenient = yin(decaying, SAMPLE_RATE, { ...options, fallbackThreshold: 0.4 });
    const voiced = (track: Float32Array): number[] => Array.from(track).filter((hz) => hz > 0);
    expect(voiced(lenient).length).toBeGreaterThan(voiced(strict).length);
    for (const hz of voiced(lenient)) expect(Math.abs(hzToSemitones(hz, 100))).toBeLessThan(0.3);
    // Noise stays unvoiced.
    expect(voiced(yin(whiteNoise(0.3), SAMPLE_RATE, { ...options, fallbackThreshold: 0.4 })).length).toBe(0);
  });
});
