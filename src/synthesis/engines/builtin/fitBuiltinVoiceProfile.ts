import type { DecodedClip } from '../../../audio/DecodedClip.ts';
import { decimate } from '../../../audio/analysis/decimate.ts';
import { type PitchStatistics, pitchStatistics } from '../../../audio/analysis/pitchStatistics.ts';
import { yin } from '../../../audio/analysis/Yin.ts';
import type { Language } from '../../../text/TextPart.ts';
import { type BuiltinVoiceProfile, DEFAULT_BASE_VARIANT } from './BuiltinVoiceProfile.ts';
import { CALIBRATION_TEXT_BY_LANGUAGE } from './espeakVoices.ts';
import { NoVoicedSpeechError } from './NoVoicedSpeechError.ts';

/** Renders text with a profile (null = stock voice) to mono 16-bit PCM at `sampleRate`. */
export interface ProfileRenderer {
  readonly sampleRate: number;
  render(profile: BuiltinVoiceProfile | null, language: Language, text: string): Int16Array;
}

/** Median F0 above which a stock female variant is the base: scaling a male formant voice that far sounds wrong. */
export const FEMALE_BASE_THRESHOLD_HZ = 160;
export const FEMALE_BASE_VARIANT = 'f2';

const PITCH_OPTIONS = { minFrequencyHz: 60, maxFrequencyHz: 500, hopSeconds: 0.01 } as const;
const ANALYSIS_RATE_HZ = 16000;

/** Pitch statistics of float PCM with the same estimator for references and renders. */
export function measurePitch(samples: Float32Array, sampleRate: number): PitchStatistics | null {
  const factor = Math.max(1, Math.floor(sampleRate / ANALYSIS_RATE_HZ));
  return pitchStatistics(yin(decimate(samples, factor), sampleRate / factor, PITCH_OPTIONS));
}

export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i += 1) out[i] = samples[i]! / 32768;
  return out;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

export interface FitOptions {
  /** Closed-loop renders; each costs one calibration sentence (~50 ms warm). Default 4. */
  readonly iterations?: number;
}

/**
 * Fits espeak's `pitch base top` to the reference: measure the reference's median F0 and p5–p95 range with
 * YIN, pick the base variant by F0, then render a calibration text, measure it with the same estimator and
 * correct (median by a ratio, range by stretching base/top around their geometric centre) a few times,
 * keeping the render closest to the reference. espeak's pitch numbers are not the rendered F0 (intonation
 * contours and an internal offset sit between them), which is why this is measured rather than computed.
 */
export function fitBuiltinVoiceProfile(clip: DecodedClip, language: Language, renderer: ProfileRenderer, options: FitOptions = {}): BuiltinVoiceProfile {
  const reference = measurePitch(clip.samples, clip.sampleRate);
  if (reference === null || reference.voicedFrames < 10) throw new NoVoicedSpeechError();
  const measured = { medianHz: reference.medianHz, p5Hz: reference.p5Hz, p95Hz: reference.p95Hz };
  const baseVariant = reference.medianHz > FEMALE_BASE_THRESHOLD_HZ ? FEMALE_BASE_VARIANT : DEFAULT_BASE_VARIANT;
  const calibrationText = CALIBRATION_TEXT_BY_LANGUAGE[language];

  let pitchBase = reference.p5Hz;
  let pitchTop = Math.max(reference.p95Hz, pitchBase * 1.1);
  let best: { profile: BuiltinVoiceProfile; error: number } | null = null;
  const iterations = options.iterations ?? 4;
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    const profile: BuiltinVoiceProfile = { version: 1, baseVariant, pitchBase, pitchTop, formantScale: 1, speed: 1, measured };
    const rendered = measurePitch(int16ToFloat(renderer.render(profile, language, calibrationText)), renderer.sampleRate);
    if (rendered === null) break;
    const medianError = Math.abs(rendered.medianSemitones - reference.medianSemitones);
    const rangeError = Math.abs(rendered.rangeSemitones - reference.rangeSemitones);
    const error = medianError + 0.25 * rangeError;
    if (best === null || error < best.error) best = { profile, error };

    const ratio = reference.medianHz / rendered.medianHz;
    const centre = Math.sqrt(pitchBase * pitchTop) * ratio;
    const stretch = clamp(reference.rangeSemitones / Math.max(rendered.rangeSemitones, 0.5), 0.67, 1.5);
    const spread = clamp(Math.log(pitchTop / pitchBase) * stretch, Math.log(1.05), Math.log(3));
    pitchBase = clamp(Math.round(centre * Math.exp(-spread / 2)), 30, 400);
    pitchTop = clamp(Math.round(centre * Math.exp(spread / 2)), pitchBase + 2, 800);
  }
  return best?.profile ?? { version: 1, baseVariant, pitchBase, pitchTop, formantScale: 1, speed: 1, measured };
}
