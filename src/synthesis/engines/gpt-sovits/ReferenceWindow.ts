/*
 * Picks the part of a user's clip to use as the GPT-SoVITS reference. The model was trained with 3–10 s
 * references (GPT-SoVITS refuses others); longer uploads are cut at pauses so no word is split, favouring
 * the window with the most speech. The transcript is cut to match in proportion to speech time, snapped
 * to punctuation or word boundaries (no aligner is available offline).
 */

export const MIN_REFERENCE_SECONDS = 3;
export const MAX_REFERENCE_SECONDS = 10;

export interface ReferenceWindow {
  readonly startSample: number;
  readonly endSample: number;
  /** Share of the clip's speech before the window start / end, for cutting the transcript. */
  readonly speechFractionStart: number;
  readonly speechFractionEnd: number;
}

const FRAME_SECONDS = 0.02;
const MIN_PAUSE_FRAMES = 8; // 160 ms

function voicedFrames(samples: Float32Array, frame: number): boolean[] {
  const count = Math.floor(samples.length / frame);
  const energies: number[] = [];
  for (let f = 0; f < count; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += samples[i]! * samples[i]!;
    energies.push(10 * Math.log10(sum / frame + 1e-12));
  }
  const loudest = energies.reduce((a, b) => Math.max(a, b), -120);
  const threshold = Math.max(-50, loudest - 35);
  return energies.map((e) => e > threshold);
}

/** Returns the window to use, or null when the clip holds less than 3 s of audio around its speech. */
export function pickReferenceWindow(samples: Float32Array, sampleRate: number): ReferenceWindow | null {
  const frame = Math.round(sampleRate * FRAME_SECONDS);
  const voiced = voicedFrames(samples, frame);
  const n = voiced.length;
  const prefix = new Int32Array(n + 1);
  for (let f = 0; f < n; f++) prefix[f + 1] = prefix[f]! + (voiced[f] ? 1 : 0);
  const totalVoiced = prefix[n]!;
  if (totalVoiced === 0) return null;
  const first = voiced.indexOf(true);
  const last = voiced.lastIndexOf(true);
  const margin = Math.round(0.15 / FRAME_SECONDS);
  const minFrames = Math.round(MIN_REFERENCE_SECONDS / FRAME_SECONDS);
  const maxFrames = Math.round(MAX_REFERENCE_SECONDS / FRAME_SECONDS);
  const clamp = (f: number): number => Math.max(0, Math.min(n, f));

  // Boundaries: speech onset/offset and the middle of every pause.
  const boundaries = [clamp(first - margin)];
  let run = 0;
  for (let f = first; f <= last; f++) {
    if (!voiced[f]) run++;
    else {
      if (run >= MIN_PAUSE_FRAMES) boundaries.push(f - Math.ceil(run / 2));
      run = 0;
    }
  }
  boundaries.push(clamp(last + 1 + margin));

  let best: { a: number; b: number; score: number } | null = null;
  for (let i = 0; i < boundaries.length; i++) {
    for (let j = i + 1; j < boundaries.length; j++) {
      const a = boundaries[i]!;
      const b = boundaries[j]!;
      if (b - a > maxFrames) break;
      if (b - a < minFrames) continue;
      // Most speech wins, but starting at the first words is worth 0.5 s of speech: the proportional transcript cut is most reliable there.
      const score = prefix[b]! - prefix[a]! + (i === 0 ? 25 : 0) + (j === boundaries.length - 1 ? 10 : 0);
      if (best === null || score > best.score) best = { a, b, score };
    }
  }
  if (best === null) {
    // No pause-aligned window fits: take 10 s from the onset (long unbroken speech), or the whole clip if short.
    if (n < minFrames) return null;
    const a = clamp(Math.min(first - margin, n - minFrames));
    const b = clamp(Math.max(a + minFrames, Math.min(a + maxFrames, last + 1 + margin)));
    best = { a, b, score: 0 };
  }
  const startSample = best.a * frame;
  const endSample = Math.min(samples.length, best.b === n ? samples.length : best.b * frame);
  return {
    startSample,
    endSample,
    speechFractionStart: prefix[best.a]! / totalVoiced,
    speechFractionEnd: prefix[best.b]! / totalVoiced,
  };
}

const BREAKS = /[，。！？、；：,.!?;:…\s]/u;

/** The part of `transcript` spoken between two speech fractions, cut at the nearest breaks. */
export function cutTranscript(transcript: string, startFraction: number, endFraction: number): string {
  if (startFraction <= 0.02 && endFraction >= 0.98) return transcript;
  const chars = [...transcript];
  const snap = (fraction: number): number => {
    const target = Math.round(fraction * chars.length);
    for (let d = 0; d <= 6; d++) {
      for (const at of [target - d, target + d]) {
        if (at <= 0 || at >= chars.length) continue;
        if (BREAKS.test(chars[at - 1]!)) return at;
      }
    }
    return target;
  };
  const start = startFraction <= 0.02 ? 0 : snap(startFraction);
  const end = endFraction >= 0.98 ? chars.length : snap(endFraction);
  const cut = chars.slice(start, Math.max(start + 1, end)).join('').trim();
  return cut === '' ? transcript : cut;
}
