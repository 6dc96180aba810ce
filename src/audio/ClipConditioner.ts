import type { DecodedClip } from './DecodedClip.ts';
import { resample } from './resample.ts';
import { measureIntegratedLoudness } from './measureLoudness.ts';
import { amplitudeToDbfs, dbfsToAmplitude, powerToDb } from './pcm.ts';

export type ClipProblemCode = 'too-short' | 'too-long' | 'silent' | 'clipped' | 'noisy' | 'quiet' | 'compressed';

export interface ClipProblem {
  readonly code: ClipProblemCode;
  /** What was measured and what to do about it, for the person who uploaded the clip. */
  readonly message: string;
}

/** The limits that turned measurements into problems. The voices module decides which problems reject a clip. */
export interface ClipThresholds {
  /** 'too-short' below this many seconds of speech. */
  readonly minSpeechSeconds: number;
  /** 'too-long' above this duration (seconds, before trimming). */
  readonly maxSeconds: number;
  /** 'silent' when the speech level is below this (dBFS) or no speech frame is found. */
  readonly silentBelowDbfs: number;
  /** 'clipped' when more than this fraction of samples sit in runs at full scale. */
  readonly maxClippedFraction: number;
  /** 'noisy' below this speech-to-noise-floor ratio (dB). */
  readonly minSnrDb: number;
  /** 'quiet' when the speech level is below this (dBFS). */
  readonly quietBelowDbfs: number;
  /** 'compressed' when the speech crest factor (peak over speech RMS) is below this (dB). */
  readonly minCrestFactorDb: number;
}

export const DEFAULT_CLIP_THRESHOLDS: ClipThresholds = {
  minSpeechSeconds: 3,
  maxSeconds: 30,
  silentBelowDbfs: -60,
  maxClippedFraction: 0.001,
  minSnrDb: 15,
  quietBelowDbfs: -40,
  minCrestFactorDb: 8,
};

export interface ClipReport {
  /** Measurements of the clip as uploaded (DC removed where it would bias the level). dB values are floored at −120. */
  readonly durationSeconds: number;
  readonly sourceSampleRate: number;
  readonly peakDbfs: number;
  readonly clippedFraction: number;
  readonly rmsDbfs: number;
  /** BS.1770 integrated loudness (K-weighted, gated), −120 for silence. */
  readonly loudnessLufs: number;
  /** RMS level of the frames judged to be speech. */
  readonly speechRmsDbfs: number;
  /** 10th-percentile 20 ms frame energy. */
  readonly noiseFloorDbfs: number;
  readonly snrDb: number;
  readonly speechSeconds: number;
  readonly crestFactorDb: number;
  readonly dcOffset: number;
  readonly problems: readonly ClipProblem[];
  readonly thresholds: ClipThresholds;
  /** What was done to produce the conditioned clip. */
  readonly output: {
    readonly sampleRate: number;
    readonly durationSeconds: number;
    readonly trimmedStartSeconds: number;
    readonly trimmedEndSeconds: number;
    readonly gainDb: number;
    readonly rmsDbfs: number;
    readonly peakDbfs: number;
  };
}

export interface ConditionClipOptions {
  /** Output sample rate. Default 24000 (what the voice-cloning engines take). */
  readonly targetRate?: number;
  /** RMS level of the conditioned clip. Default −20 dBFS. */
  readonly targetRmsDbfs?: number;
  /** The gain is lowered, never the waveform bent, to keep peaks at or below this. Default −1 dBFS. */
  readonly peakLimitDbfs?: number;
  /** Silence kept before the first and after the last speech frame. Default 0.15 s. */
  readonly keepSilenceSeconds?: number;
  readonly thresholds?: Partial<ClipThresholds>;
}

const FRAME_SECONDS = 0.02;
const CLIP_LEVEL = 0.999;
/** Two full-scale samples in a row happen in clean audio; three or more mean the converter ran out of range. */
const MIN_CLIP_RUN = 3;
const DB_FLOOR = -120;
/** Frames below this energy are never speech, whatever the noise floor. */
const SPEECH_FLOOR_DBFS = -70;

/**
 * Measures a reference clip for voice registration, then resamples it, removes DC, trims leading and
 * trailing silence and normalises its level. It reports problems but never rejects.
 */
export async function conditionClip(clip: DecodedClip, options: ConditionClipOptions = {}): Promise<{ clip: DecodedClip; report: ClipReport }> {
  const thresholds: ClipThresholds = { ...DEFAULT_CLIP_THRESHOLDS, ...options.thresholds };
  const targetRate = options.targetRate ?? 24_000;
  const { samples, sampleRate } = clip;
  const durationSeconds = samples.length / sampleRate;

  let peak = 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const magnitude = Math.abs(samples[i]!);
    if (magnitude > peak) peak = magnitude;
    sum += samples[i]!;
  }
  const dcOffset = samples.length > 0 ? sum / samples.length : 0;
  const centred = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) centred[i] = samples[i]! - dcOffset;

  const clippedFraction = samples.length > 0 ? countClippedSamples(samples) / samples.length : 0;
  const frames = frameEnergies(centred, Math.max(1, Math.round(FRAME_SECONDS * sampleRate)));
  const sortedEnergies = frames.energies.slice().sort((a, b) => a - b);
  const noiseFloor = percentile(sortedEnergies, 0.1);
  const loudFrames = percentile(sortedEnergies, 0.95);
  // Speech is whatever stands 10 dB above the noise floor, but never more than 40 dB below the loudest
  // frames (so a clean studio clip with digital-silence gaps does not count its breaths) and never below
  // an absolute floor (so dither and hum are not mistaken for a very quiet voice).
  const speechThreshold = Math.max(noiseFloor * 10, loudFrames * 1e-4, dbfsToAmplitude(SPEECH_FLOOR_DBFS) ** 2);
  const speechFlags = frames.energies.map((energy) => energy > speechThreshold);
  const speechFrames = frames.energies.filter((_, index) => speechFlags[index]);
  const speechPower = speechFrames.length > 0 ? speechFrames.reduce((a, b) => a + b, 0) / speechFrames.length : 0;
  const speechSeconds = (speechFrames.length * frames.frameLength) / sampleRate;

  const rmsDbfs = floorDb(powerToDb(meanPower(centred)));
  const speechRmsDbfs = floorDb(powerToDb(speechPower));
  const noiseFloorDbfs = floorDb(powerToDb(noiseFloor));
  const centredPeak = peakOf(centred);
  const measured = {
    durationSeconds,
    sourceSampleRate: sampleRate,
    peakDbfs: floorDb(amplitudeToDbfs(peak)),
    clippedFraction,
    rmsDbfs,
    loudnessLufs: floorDb(measureIntegratedLoudness(centred, sampleRate)),
    speechRmsDbfs,
    noiseFloorDbfs,
    snrDb: speechFrames.length > 0 ? speechRmsDbfs - noiseFloorDbfs : 0,
    speechSeconds,
    crestFactorDb: speechFrames.length > 0 ? floorDb(amplitudeToDbfs(centredPeak)) - speechRmsDbfs : 0,
    dcOffset,
  };

  const problems = findProblems(measured, thresholds);

  // Trim on the source timeline, then resample only what is kept.
  const keepSamples = Math.round((options.keepSilenceSeconds ?? 0.15) * sampleRate);
  let start = 0;
  let end = centred.length;
  const firstSpeech = speechFlags.indexOf(true);
  if (firstSpeech >= 0) {
    const lastSpeech = speechFlags.lastIndexOf(true);
    start = Math.max(0, firstSpeech * frames.frameLength - keepSamples);
    end = Math.min(centred.length, (lastSpeech + 1) * frames.frameLength + keepSamples);
  }
  const trimmed = centred.subarray(start, end);
  const resampled = await resample(trimmed, sampleRate, targetRate);

  let gain = 1;
  const resampledRms = Math.sqrt(meanPower(resampled));
  if (firstSpeech >= 0 && resampledRms > 0) {
    gain = dbfsToAmplitude(options.targetRmsDbfs ?? -20) / resampledRms;
    const peakLimit = dbfsToAmplitude(options.peakLimitDbfs ?? -1);
    const resampledPeak = peakOf(resampled);
    if (resampledPeak * gain > peakLimit) gain = peakLimit / resampledPeak;
  }
  for (let i = 0; i < resampled.length; i++) resampled[i] = resampled[i]! * gain;

  const report: ClipReport = {
    ...measured,
    problems,
    thresholds,
    output: {
      sampleRate: targetRate,
      durationSeconds: resampled.length / targetRate,
      trimmedStartSeconds: start / sampleRate,
      trimmedEndSeconds: (centred.length - end) / sampleRate,
      gainDb: amplitudeToDbfs(gain),
      rmsDbfs: floorDb(powerToDb(meanPower(resampled))),
      peakDbfs: floorDb(amplitudeToDbfs(peakOf(resampled))),
    },
  };
  return { clip: { samples: resampled, sampleRate: targetRate }, report };
}

type Measurements = Omit<ClipReport, 'problems' | 'thresholds' | 'output'>;

function findProblems(m: Measurements, t: ClipThresholds): ClipProblem[] {
  const problems: ClipProblem[] = [];
  const seconds = (value: number): string => `${value.toFixed(1)} s`;
  const db = (value: number): string => `${value.toFixed(1)} dB`;
  if (m.durationSeconds > t.maxSeconds) {
    problems.push({ code: 'too-long', message: `The clip is ${seconds(m.durationSeconds)} long; keep it under ${seconds(t.maxSeconds)}.` });
  }
  if (m.speechSeconds === 0 || m.speechRmsDbfs < t.silentBelowDbfs) {
    // Nothing else can be judged about a clip with no voice in it.
    problems.push({ code: 'silent', message: 'No speech was found in the clip. Check the microphone and record again.' });
    return problems;
  }
  if (m.speechSeconds < t.minSpeechSeconds) {
    problems.push({ code: 'too-short', message: `Only ${seconds(m.speechSeconds)} of speech was found; record at least ${seconds(t.minSpeechSeconds)}.` });
  }
  if (m.clippedFraction > t.maxClippedFraction) {
    problems.push({
      code: 'clipped',
      message: `${(m.clippedFraction * 100).toFixed(2)} % of the samples are clipped (distorted). Lower the input gain and record again.`,
    });
  }
  if (m.snrDb < t.minSnrDb) {
    problems.push({ code: 'noisy', message: `Speech is only ${db(m.snrDb)} above the background noise; record somewhere quieter.` });
  }
  if (m.speechRmsDbfs < t.quietBelowDbfs) {
    problems.push({ code: 'quiet', message: `The voice is very quiet (${db(m.speechRmsDbfs)}FS); speak closer to the microphone or raise its gain.` });
  }
  if (m.crestFactorDb < t.minCrestFactorDb) {
    problems.push({
      code: 'compressed',
      message: `The level barely varies (crest factor ${db(m.crestFactorDb)}), which suggests automatic gain or heavy compression; turn those off if you can.`,
    });
  }
  return problems;
}

function countClippedSamples(samples: Float32Array): number {
  let clipped = 0;
  let run = 0;
  for (let i = 0; i <= samples.length; i++) {
    if (i < samples.length && Math.abs(samples[i]!) >= CLIP_LEVEL) run++;
    else {
      if (run >= MIN_CLIP_RUN) clipped += run;
      run = 0;
    }
  }
  return clipped;
}

function frameEnergies(samples: Float32Array, frameLength: number): { energies: number[]; frameLength: number } {
  const energies: number[] = [];
  for (let start = 0; start + frameLength <= samples.length; start += frameLength) {
    let sum = 0;
    for (let i = start; i < start + frameLength; i++) sum += samples[i]! * samples[i]!;
    energies.push(sum / frameLength);
  }
  return { energies, frameLength };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function meanPower(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return samples.length > 0 ? sum / samples.length : 0;
}

function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]!));
  return peak;
}

function floorDb(value: number): number {
  return Math.max(DB_FLOOR, value);
}
