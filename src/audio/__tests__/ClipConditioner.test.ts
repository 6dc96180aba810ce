import { describe, expect, it } from 'vitest';
import { conditionClip, type ClipProblemCode } from '../ClipConditioner.ts';
import { measureIntegratedLoudness } from '../measureLoudness.ts';
import type { DecodedClip } from '../DecodedClip.ts';
import { tones } from './signals.ts';
import { concatSamples } from '../pcm.ts';

const RATE = 44100;

/** Deterministic noise (xorshift), uniform in [-amplitude, amplitude]. */
function noise(length: number, amplitude: number, seed = 12345): Float32Array {
  const out = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 0xffffffff - 0.5) * 2 * amplitude;
  }
  return out;
}

/** Harmonic "voice" with a 4 Hz syllable envelope: peaky like speech (crest factor ≈ 11 dB, well above a steady tone's 3 dB). */
function speechLike(seconds: number, amplitude: number): Float32Array {
  const carrier = tones(RATE, seconds, [[180, 0.5], [360, 0.3], [720, 0.2], [1440, 0.1]]);
  for (let i = 0; i < carrier.length; i++) {
    const envelope = Math.abs(Math.sin((2 * Math.PI * 2 * i) / RATE)) ** 6;
    carrier[i] = carrier[i]! * envelope * amplitude;
  }
  return carrier;
}

function concat(...parts: Float32Array[]): Float32Array {
  return concatSamples(Float32Array, parts);
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => value + (b[i] ?? 0));
}

const clip = (samples: Float32Array): DecodedClip => ({ samples, sampleRate: RATE });
const codes = (problems: readonly { code: ClipProblemCode }[]): ClipProblemCode[] => problems.map((p) => p.code).sort();

describe('conditionClip', () => {
  it('measures, trims the silence padding, removes DC and normalises a clean clip with no problems', async () => {
    const voice = concat(new Float32Array(RATE), speechLike(5, 0.3), new Float32Array(RATE));
    const samples = add(voice, noise(voice.length, 1e-4)).map((x) => x + 0.05);
    const { clip: out, report } = await conditionClip(clip(samples));
    expect(codes(report.problems)).toEqual([]);
    expect(report.crestFactorDb).toBeGreaterThan(report.thresholds.minCrestFactorDb);
    expect(report.durationSeconds).toBeCloseTo(7, 5);
    expect(report.dcOffset).toBeCloseTo(0.05, 3);
    expect(report.speechSeconds).toBeGreaterThan(3);
    expect(report.speechSeconds).toBeLessThanOrEqual(5.05);
    expect(report.noiseFloorDbfs).toBeLessThan(-75);
    expect(report.snrDb).toBeGreaterThan(40);
    expect(report.clippedFraction).toBe(0);
    expect(report.loudnessLufs).toBeGreaterThan(report.rmsDbfs - 6);
    expect(report.loudnessLufs).toBeLessThan(report.speechRmsDbfs + 6);
    expect(report.thresholds.minSpeechSeconds).toBeGreaterThan(0);

    expect(out.sampleRate).toBe(24000);
    expect(report.output.trimmedStartSeconds).toBeGreaterThan(0.8);
    expect(report.output.trimmedStartSeconds).toBeLessThan(1.1);
    expect(report.output.trimmedEndSeconds).toBeGreaterThan(0.8);
    expect(out.samples.length / 24000).toBeCloseTo(report.output.durationSeconds, 5);
    expect(report.output.durationSeconds).toBeGreaterThan(4.8);
    expect(report.output.durationSeconds).toBeLessThan(5.4);
    // Either the RMS target was met or the peak limit stopped the gain exactly at −1 dBFS.
    expect(report.output.peakDbfs).toBeLessThanOrEqual(-0.99);
    expect(Math.abs(report.output.rmsDbfs + 20) < 0.1 || Math.abs(report.output.peakDbfs + 1) < 0.01).toBe(true);
    const mean = out.samples.reduce((sum, x) => sum + x, 0) / out.samples.length;
    expect(Math.abs(mean)).toBeLessThan(1e-3);
  });

  it('flags a clipped clip and measures how much of it is clipped', async () => {
    const samples = speechLike(5, 3).map((x) => Math.max(-1, Math.min(1, x)));
    const { report } = await conditionClip(clip(samples));
    expect(codes(report.problems)).toContain('clipped');
    expect(report.clippedFraction).toBeGreaterThan(0.05);
    expect(report.peakDbfs).toBeCloseTo(0, 3);
  });

  it('flags a silent clip as silent only, and leaves its level alone', async () => {
    const { report } = await conditionClip(clip(noise(5 * RATE, 1e-5)));
    expect(codes(report.problems)).toEqual(['silent']);
    expect(report.speechSeconds).toBe(0);
    expect(report.output.gainDb).toBe(0);
  });

  it('flags a clip with too little speech as too short', async () => {
    const { report } = await conditionClip(clip(concat(speechLike(1.5, 0.3), new Float32Array(RATE))));
    expect(codes(report.problems)).toEqual(['too-short']);
    expect(report.speechSeconds).toBeLessThan(1.6);
  });

  it('flags a clip longer than the limit', async () => {
    const { report } = await conditionClip(clip(speechLike(5, 0.3)), { thresholds: { maxSeconds: 4 } });
    expect(codes(report.problems)).toEqual(['too-long']);
    expect(report.thresholds.maxSeconds).toBe(4);
  });

  it('flags background noise close to the voice level as noisy', async () => {
    const voice = concat(speechLike(5, 0.3), new Float32Array(RATE));
    const { report } = await conditionClip(clip(add(voice, noise(voice.length, 0.05))));
    expect(codes(report.problems)).toContain('noisy');
    expect(report.snrDb).toBeLessThan(15);
  });

  it('flags a very quiet voice', async () => {
    const { report } = await conditionClip(clip(speechLike(5, 0.02)));
    expect(codes(report.problems)).toEqual(['quiet']);
    expect(report.speechRmsDbfs).toBeLessThan(-40);
  });

  it('hints at heavy compression when the level never varies', async () => {
    // Syllables at one flat level with short gaps, on a pure tone: what a hard limiter makes of speech.
    const flat = tones(RATE, 5, [[220, 0.5]]).map((x, i) => ((i % 11025) < 8820 ? x : 0));
    const { report } = await conditionClip(clip(flat));
    expect(codes(report.problems)).toEqual(['compressed']);
    expect(report.crestFactorDb).toBeGreaterThan(2.5);
    expect(report.crestFactorDb).toBeLessThan(4);
  });
});

describe('measureIntegratedLoudness', () => {
  it.each([48000, 44100, 24000])('reads a full-scale 1 kHz sine at %i Hz as −3.01 LUFS (BS.1770 calibration)', (rate) => {
    expect(measureIntegratedLoudness(tones(rate, 3, [[1000, 1]]), rate)).toBeCloseTo(-3.01, 1);
  });

  it('gates out silence', () => {
    const rate = 48000;
    const tone = tones(rate, 3, [[1000, 0.1]]);
    const withSilence = concat(tone, new Float32Array(rate * 3));
    // Ungated, the silence would pull the reading down by 3 dB; gated, only the blocks straddling the edge count.
    expect(Math.abs(measureIntegratedLoudness(withSilence, rate) - measureIntegratedLoudness(tone, rate))).toBeLessThan(0.5);
  });
});
