import { burgLpc, lpcResonances } from './lpc.ts';
import { sincResample } from './sincResample.ts';
import { analysisWindow } from './window.ts';

export interface FormantTrackOptions {
  /** Highest frequency a formant is searched for; the signal is resampled to twice this. */
  readonly ceilingHz: number;
  /** Resonances modelled below the ceiling ×2 = LPC order. Default 5 (order 10), as in Praat. */
  readonly formantCount?: number;
  readonly frameSeconds?: number;
  readonly hopSeconds?: number;
  /** Frames whose centre (s) fails this are skipped, e.g. to keep voiced frames only. */
  readonly include?: (centreSeconds: number) => boolean;
  /** At most this many frames are analysed, spread evenly over the eligible ones (medians need no more). Default 400. */
  readonly maxFrames?: number;
}

/** F1–F3 (Hz) of each analysed frame that had three plausible resonances. */
export type FormantFrame = readonly [number, number, number];

/**
 * Burg LPC formant tracker in the manner of Praat's "To Formant (burg)": resample to 2 × ceiling,
 * pre-emphasise above 50 Hz, Hamming-windowed 25 ms frames, order 2 × formantCount, resonances with a
 * bandwidth under 700 Hz taken in frequency order as F1, F2, F3.
 */
export function trackFormants(samples: Float32Array, sampleRate: number, options: FormantTrackOptions): FormantFrame[] {
  const rate = 2 * options.ceilingHz;
  const signal = sincResample(samples, sampleRate, rate);
  const alpha = Math.exp((-2 * Math.PI * 50) / rate);
  for (let i = signal.length - 1; i >= 1; i -= 1) signal[i] = signal[i]! - alpha * signal[i - 1]!;
  const frameLength = Math.round((options.frameSeconds ?? 0.025) * rate);
  const hop = Math.max(1, Math.round((options.hopSeconds ?? 0.01) * rate));
  const order = 2 * (options.formantCount ?? 5);
  const window = analysisWindow('hamming', frameLength);

  let peakEnergy = 0;
  for (let start = 0; start + frameLength <= signal.length; start += hop) {
    let energy = 0;
    for (let i = 0; i < frameLength; i += 1) energy += signal[start + i]! ** 2;
    peakEnergy = Math.max(peakEnergy, energy);
  }
  const starts: number[] = [];
  for (let start = 0; start + frameLength <= signal.length; start += hop) {
    if (options.include === undefined || options.include((start + frameLength / 2) / rate)) starts.push(start);
  }
  const stride = Math.max(1, starts.length / (options.maxFrames ?? 400));
  const frames: FormantFrame[] = [];
  const frame = new Float64Array(frameLength);
  for (let position = 0; position < starts.length; position += stride) {
    const start = starts[Math.floor(position)]!;
    let energy = 0;
    for (let i = 0; i < frameLength; i += 1) {
      frame[i] = signal[start + i]! * window[i]!;
      energy += signal[start + i]! ** 2;
    }
    // Skip near-silent frames (40 dB under the loudest): LPC there fits noise.
    if (energy === 0 || energy < peakEnergy * 1e-4) continue;
    const candidates = lpcResonances(burgLpc(frame, order), rate).filter(
      (r) => r.frequencyHz > 90 && r.frequencyHz < options.ceilingHz - 50 && r.bandwidthHz < 700,
    );
    if (candidates.length >= 3) frames.push([candidates[0]!.frequencyHz, candidates[1]!.frequencyHz, candidates[2]!.frequencyHz]);
  }
  return frames;
}

export interface FormantSummary {
  readonly ceilingHz: number;
  /** Median F1, F2, F3 in Hz. */
  readonly medians: FormantFrame;
  /** Sum over F1–F3 of the interquartile range of ln(F): how jumpy the tracks are (lower = more stable). */
  readonly dispersion: number;
  readonly frames: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export function summariseFormants(frames: readonly FormantFrame[], ceilingHz: number): FormantSummary | null {
  if (frames.length === 0) return null;
  const medians: number[] = [];
  let dispersion = 0;
  for (let i = 0; i < 3; i += 1) {
    const sorted = frames.map((frame) => frame[i]!).sort((a, b) => a - b);
    medians.push(quantile(sorted, 0.5));
    dispersion += Math.log(quantile(sorted, 0.75) / quantile(sorted, 0.25));
  }
  return { ceilingHz, medians: [medians[0]!, medians[1]!, medians[2]!], dispersion, frames: frames.length };
}

export interface RobustFormants {
  /** The summary at the ceiling whose tracks were most stable. */
  readonly best: FormantSummary;
  /** Every ceiling tried, best first. */
  readonly byCeiling: readonly FormantSummary[];
}

export const DEFAULT_FORMANT_CEILINGS_HZ: readonly number[] = [4500, 5000, 5500, 6000, 6500];

/**
 * Formant medians with a speaker-specific ceiling (after Escudero et al., JASA 2009): track at several
 * ceilings and keep the one whose tracks scatter least. A ceiling too low for a short vocal tract merges
 * or drops formants, one too high splits them; both show up as jumpy tracks.
 */
export function robustFormants(
  samples: Float32Array,
  sampleRate: number,
  options: { readonly ceilingsHz?: readonly number[]; readonly include?: (centreSeconds: number) => boolean; readonly minFrames?: number } = {},
): RobustFormants | null {
  const summaries: FormantSummary[] = [];
  for (const ceilingHz of options.ceilingsHz ?? DEFAULT_FORMANT_CEILINGS_HZ) {
    if (2 * ceilingHz > sampleRate * 1.05) continue;
    const include = options.include;
    const summary = summariseFormants(trackFormants(samples, sampleRate, include === undefined ? { ceilingHz } : { ceilingHz, include }), ceilingHz);
    if (summary !== null && summary.frames >= (options.minFrames ?? 20)) summaries.push(summary);
  }
  if (summaries.length === 0) return null;
  summaries.sort((a, b) => a.dispersion - b.dispersion);
  return { best: summaries[0]!, byCeiling: summaries };
}
