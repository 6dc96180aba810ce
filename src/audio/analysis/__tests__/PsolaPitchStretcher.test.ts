import { describe, expect, it } from 'vitest';
import { trackFormants } from '../formants.ts';
import { hzToSemitones, pitchStatistics } from '../pitchStatistics.ts';
import { PsolaPitchStretcher } from '../PsolaPitchStretcher.ts';
import { yin } from '../Yin.ts';
import { resonate, whiteNoise } from './syntheticSignals.ts';

const RATE = 22050;
const FORMANTS: ReadonlyArray<readonly [number, number]> = [
  [600, 80],
  [1400, 100],
  [2500, 150],
];

/** Unit pulses whose instantaneous F0 is `f0At(seconds)`, through vowel-like resonators. */
function voiced(seconds: number, f0At: (t: number) => number): Float32Array {
  const pulses = new Float32Array(Math.round(seconds * RATE));
  let phase = 1;
  for (let i = 0; i < pulses.length; i += 1) {
    phase += f0At(i / RATE) / RATE;
    if (phase >= 1) {
      phase -= 1;
      pulses[i] = 1;
    }
  }
  return resonate(pulses, RATE, FORMANTS);
}

function stretchWhole(input: Float32Array, centreHz: number, factor: number, factorBelow?: number): Float32Array {
  const stretcher = new PsolaPitchStretcher({ sampleRate: RATE, centreHz, factor, ...(factorBelow === undefined ? {} : { factorBelow }) });
  const head = stretcher.process(input);
  const tail = stretcher.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

const track = (samples: Float32Array): Float32Array => yin(samples, RATE, { minFrequencyHz: 50, maxFrequencyHz: 500, hopSeconds: 0.01 });

function medianHz(samples: Float32Array): number {
  return pitchStatistics(track(samples))!.medianHz;
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.sqrt(sum / samples.length);
}

describe('PsolaPitchStretcher', () => {
  it('moves a steady F0 to centre·(F0/centre)^factor', () => {
    const input = voiced(1.5, () => 100);
    // 100 Hz is 3.86 st above an 80 Hz centre; ×1.5 puts it 5.80 st above: 111.8 Hz.
    const out = stretchWhole(input, 80, 1.5);
    expect(Math.abs(hzToSemitones(medianHz(out), 111.8))).toBeLessThan(0.15);
    // Below the centre it goes further down.
    expect(Math.abs(hzToSemitones(medianHz(stretchWhole(input, 120, 1.5)), 120 * (100 / 120) ** 1.5))).toBeLessThan(0.15);
  });

  it('stretches a spread of pitches by exactly the factor in semitones', () => {
    // Four steady notes 0, 3, 6 and 9 semitones above 90 Hz, 0.4 s each.
    const steps = [0, 3, 6, 9];
    const input = voiced(1.6, (t) => 90 * 2 ** (steps[Math.min(3, Math.floor(t / 0.4))]! / 12));
    const centre = 90 * 2 ** (4.5 / 12);
    const out = stretchWhole(input, centre, 1.5);
    const measured = steps.map((_, i) => medianHz(out.subarray(Math.round((0.4 * i + 0.1) * RATE), Math.round((0.4 * i + 0.3) * RATE))));
    // Each note is 1.5× as far from the centre in semitones: 0 → −6.75 … 9 → +6.75 around it.
    steps.forEach((semitones, i) => {
      expect(Math.abs(hzToSemitones(measured[i]!, centre) - 1.5 * (semitones - 4.5))).toBeLessThan(0.2);
    });
  });

  it('stretches the notes above and below the centre by their own factors', () => {
    const steps = [0, 3, 6, 9];
    const input = voiced(1.6, (t) => 90 * 2 ** (steps[Math.min(3, Math.floor(t / 0.4))]! / 12));
    const centre = 90 * 2 ** (4.5 / 12);
    // Upper half widened 1.6×, lower half narrowed to 0.8×: −4.5 → −3.6, −1.5 → −1.2, +1.5 → +2.4, +4.5 → +7.2 st.
    const out = stretchWhole(input, centre, 1.6, 0.8);
    const measured = steps.map((_, i) => medianHz(out.subarray(Math.round((0.4 * i + 0.1) * RATE), Math.round((0.4 * i + 0.3) * RATE))));
    steps.forEach((semitones, i) => {
      const offset = semitones - 4.5;
      expect(Math.abs(hzToSemitones(measured[i]!, centre) - (offset > 0 ? 1.6 : 0.8) * offset)).toBeLessThan(0.2);
    });
  });

  it('keeps the shape of a gliding contour (tone) and scales it in log-F0', () => {
    // A rising-falling glide, like Mandarin tone 3 then 4, over 1.2 s.
    const input = voiced(1.2, (t) => 110 * 2 ** ((5 * Math.sin(Math.PI * (t / 1.2) * 1.5)) / 12));
    const out = stretchWhole(input, 110, 1.4);
    const a = track(input);
    const b = track(out);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 5; i < Math.min(a.length, b.length) - 5; i += 1) {
      if (a[i]! > 0 && b[i]! > 0) {
        xs.push(hzToSemitones(a[i]!, 110));
        ys.push(hzToSemitones(b[i]!, 110));
      }
    }
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    xs.forEach((x, i) => {
      sxy += (x - mx) * (ys[i]! - my);
      sxx += (x - mx) ** 2;
      syy += (ys[i]! - my) ** 2;
    });
    expect(xs.length).toBeGreaterThan(80);
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.99);
    expect(sxy / sxx).toBeGreaterThan(1.3);
    expect(sxy / sxx).toBeLessThan(1.5);
  });

  it('keeps the formants where they were (unlike resampling)', () => {
    const input = voiced(1.5, () => 110);
    const out = stretchWhole(input, 80, 1.8); // 110 Hz → 141 Hz
    expect(medianHz(out)).toBeGreaterThan(135);
    const medians = (samples: Float32Array): number[] => {
      const frames = trackFormants(samples, RATE, { ceilingHz: 5000 });
      return [0, 1, 2].map((f) => frames.map((frame) => frame[f]!).sort((x, y) => x - y)[Math.floor(frames.length / 2)]!);
    };
    const before = medians(input);
    const after = medians(out);
    for (let f = 0; f < 3; f += 1) {
      expect(Math.abs(after[f]! / before[f]! - 1)).toBeLessThan(0.06);
      expect(Math.abs(after[f]! / FORMANTS[f]![0] - 1)).toBeLessThan(0.1);
    }
  });

  it('gives the same output however the input is chunked, and exactly as many samples', () => {
    const input = new Float32Array(RATE * 2);
    input.set(voiced(0.7, (t) => 100 + 60 * t), 2000);
    input.set(whiteNoise(Math.round(0.2 * RATE), 0.05), 20000);
    input.set(voiced(0.6, (t) => 180 - 80 * t), 26000);
    const whole = stretchWhole(input, 120, 1.6);
    expect(whole.length).toBe(input.length);

    const stretcher = new PsolaPitchStretcher({ sampleRate: RATE, centreHz: 120, factor: 1.6 });
    const parts: Float32Array[] = [];
    let seed = 7;
    for (let start = 0; start < input.length; ) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const size = 1 + (seed % 3000);
      parts.push(stretcher.process(input.subarray(start, Math.min(input.length, start + size))));
      start += size;
    }
    parts.push(stretcher.flush());
    const chunked = new Float32Array(input.length);
    let offset = 0;
    for (const part of parts) {
      chunked.set(part, offset);
      offset += part.length;
    }
    expect(offset).toBe(input.length);
    expect(Array.from(chunked)).toEqual(Array.from(whole));
    // Output is released while streaming, not only at the end.
    expect(parts.slice(0, -1).reduce((sum, part) => sum + part.length, 0)).toBeGreaterThan(input.length - stretcher.latencySamples - 2000);
  });

  it('keeps timing and unvoiced sounds: onsets stay put, noise keeps its level', () => {
    const input = new Float32Array(RATE);
    const onset = Math.round(0.5 * RATE);
    input.set(voiced(0.3, () => 150), onset);
    const noise = whiteNoise(Math.round(0.2 * RATE), 0.1);
    input.set(noise, Math.round(0.1 * RATE));
    const out = stretchWhole(input, 100, 1.5);
    const firstLoud = (samples: Float32Array, from: number): number => {
      for (let i = from; i < samples.length; i += 1) if (Math.abs(samples[i]!) > 0.05) return i;
      return -1;
    };
    expect(Math.abs(firstLoud(out, Math.round(0.35 * RATE)) - firstLoud(input, Math.round(0.35 * RATE)))).toBeLessThan(RATE / 150);
    const noiseIn = rms(input.subarray(Math.round(0.12 * RATE), Math.round(0.28 * RATE)));
    const noiseOut = rms(out.subarray(Math.round(0.12 * RATE), Math.round(0.28 * RATE)));
    expect(Math.abs(20 * Math.log10(noiseOut / noiseIn))).toBeLessThan(0.5);
  });

  it('rejects a non-positive centre or factor', () => {
    expect(() => new PsolaPitchStretcher({ sampleRate: RATE, centreHz: 0, factor: 1.2 })).toThrow(RangeError);
    expect(() => new PsolaPitchStretcher({ sampleRate: RATE, centreHz: 100, factor: 0 })).toThrow(RangeError);
    expect(() => new PsolaPitchStretcher({ sampleRate: RATE, centreHz: 100, factor: 1.2, factorBelow: -1 })).toThrow(RangeError);
  });
});
