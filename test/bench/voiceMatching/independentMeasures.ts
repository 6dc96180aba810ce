import { spawnSync } from 'node:child_process';
import { fft, nextPowerOfTwo } from '../../../src/audio/analysis/fft.ts';
import { THIRD_OCTAVE_CENTRES_HZ, bandEdgesHz } from '../../../src/audio/analysis/thirdOctaveBands.ts';

/**
 * Measures for the benchmark that do not share code with the conversion: an autocorrelation pitch tracker
 * (Boersma-style, two-pass range) instead of YIN, and sox band filters for the long-term spectrum.
 */

export interface PitchSummary {
  readonly medianHz: number;
  readonly p5Hz: number;
  readonly p95Hz: number;
  /** Per-frame F0 (0 = unvoiced), 10 ms hop. */
  readonly track: Float32Array;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** Normalised autocorrelation of Hann-windowed frames, divided by the window's own autocorrelation. */
function acTrack(samples: Float32Array, rate: number, floorHz: number, ceilingHz: number): Float32Array {
  const frameLength = Math.round((3 / floorHz) * rate);
  const hop = Math.round(0.01 * rate);
  const size = nextPowerOfTwo(2 * frameLength);
  const window = Float64Array.from({ length: frameLength }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (n + 0.5)) / frameLength));
  const windowAc = autocorrelation(window, size);
  let globalPeak = 0;
  for (const x of samples) globalPeak = Math.max(globalPeak, Math.abs(x));
  const minLag = Math.floor(rate / ceilingHz);
  const maxLag = Math.min(frameLength - 1, Math.ceil(rate / floorHz));
  const frames = Math.max(0, Math.floor((samples.length - frameLength) / hop) + 1);
  const track = new Float32Array(frames);
  const frame = new Float64Array(frameLength);
  for (let f = 0; f < frames; f += 1) {
    let mean = 0;
    let localPeak = 0;
    for (let i = 0; i < frameLength; i += 1) {
      mean += samples[f * hop + i]!;
      localPeak = Math.max(localPeak, Math.abs(samples[f * hop + i]!));
    }
    mean /= frameLength;
    if (localPeak < 0.05 * globalPeak) continue; // silence
    for (let i = 0; i < frameLength; i += 1) frame[i] = (samples[f * hop + i]! - mean) * window[i]!;
    const ac = autocorrelation(frame, size);
    if (ac[0]! <= 0) continue;
    let bestLag = -1;
    let best = 0.45; // voicing threshold
    for (let lag = minLag; lag <= maxLag; lag += 1) {
      const r = ac[lag]! / ac[0]! / (windowAc[lag]! / windowAc[0]!);
      if (r > best && ac[lag]! >= ac[lag - 1]! && ac[lag]! >= ac[lag + 1]!) {
        best = r;
        bestLag = lag;
      }
    }
    if (bestLag < 0) continue;
    const left = ac[bestLag - 1]!;
    const centre = ac[bestLag]!;
    const right = ac[bestLag + 1]!;
    const curvature = left - 2 * centre + right;
    const offset = curvature < 0 ? (0.5 * (left - right)) / curvature : 0;
    track[f] = rate / (bestLag + offset);
  }
  return track;
}

function autocorrelation(frame: ArrayLike<number>, size: number): Float64Array {
  const real = new Float64Array(size);
  const imag = new Float64Array(size);
  for (let i = 0; i < frame.length; i += 1) real[i] = frame[i]!;
  fft(real, imag);
  for (let k = 0; k < size; k += 1) {
    real[k] = real[k]! * real[k]! + imag[k]! * imag[k]!;
    imag[k] = 0;
  }
  fft(real, imag); // real input, symmetric spectrum: forward = inverse up to scale
  return real;
}

/**
 * Voiced frames with no voiced neighbour are dropped: a pitch needs more than one 10 ms frame to exist (Praat
 * gets the same from its voiced/unvoiced transition cost). Without this, hum or noise in the pauses of a
 * real recording (the `cards` clips: ~20 isolated frames at 190–210 Hz, 5 % of its voiced frames) set the
 * reference's p95 and made its range 9 st where the continuous pitch track spans 6.3.
 */
function dropIsolatedFrames(track: Float32Array): Float32Array {
  const kept = track.slice();
  for (let i = 0; i < track.length; i += 1) {
    if (track[i]! > 0 && !(track[i - 1]! > 0) && !(track[i + 1]! > 0)) kept[i] = 0;
  }
  return kept;
}

/** Two passes as in Praat's recommended practice: 60–600 Hz, then floor 0.75·q25 and ceiling 1.8·q75. */
export function independentPitch(samples: Float32Array, rate: number): PitchSummary {
  const first = [...dropIsolatedFrames(acTrack(samples, rate, 60, 600))].filter((hz) => hz > 0).sort((a, b) => a - b);
  const floor = Math.max(40, 0.75 * quantile(first, 0.25));
  const ceiling = Math.min(800, 1.8 * quantile(first, 0.75));
  const track = dropIsolatedFrames(acTrack(samples, rate, Number.isFinite(floor) ? floor : 60, Number.isFinite(ceiling) ? ceiling : 600));
  const voiced = [...track].filter((hz) => hz > 0).sort((a, b) => a - b);
  return { medianHz: quantile(voiced, 0.5), p5Hz: quantile(voiced, 0.05), p95Hz: quantile(voiced, 0.95), track };
}

/**
 * Long-term spectrum in 1/3-octave bands with sox: each band's RMS after sox's own band-pass (sinc) filter,
 * over the whole signal (silence adds no power). dB per band.
 */
export function soxBandLevelsDb(samples: Float32Array, rate: number): number[] {
  const input = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return THIRD_OCTAVE_CENTRES_HZ.map((centre) => {
    const [low, high] = bandEdgesHz(centre);
    const result = spawnSync(
      'sox',
      ['-t', 'raw', '-e', 'floating-point', '-b', '32', '-r', String(rate), '-c', '1', '-', '-n', 'sinc', '-n', '2048', `${low.toFixed(1)}-${high.toFixed(1)}`, 'stat'],
      { input, maxBuffer: 1 << 24, encoding: 'utf8' },
    );
    const match = /RMS\s+amplitude:\s+([0-9.eE+-]+)/.exec(result.stderr ?? '');
    if (result.status !== 0 || match === null) throw new Error(`sox failed measuring a band: ${result.stderr}`);
    return 20 * Math.log10(Math.max(1e-9, Number(match[1])));
  });
}
