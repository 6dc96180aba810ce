import { nextPowerOfTwo, powerSpectrum } from './fft.ts';
import { analysisWindow } from './window.ts';

export interface MfccOptions {
  /** Cepstral coefficients c0..c(count−1). Default 13. */
  readonly coefficients?: number;
  /** Triangular mel filters. Default 26. */
  readonly filters?: number;
  readonly lowHz?: number;
  /** Default min(8000 Hz, Nyquist), so 16 kHz and 22.05 kHz signals are comparable. */
  readonly highHz?: number;
  readonly frameSeconds?: number;
  readonly hopSeconds?: number;
  /** Frames more than this many dB below the loudest are skipped as silence. Default 40. */
  readonly silenceBelowPeakDb?: number;
}

const hzToMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

/**
 * Mel-frequency cepstra of the speech frames: Hamming frames, power spectrum, triangular mel filterbank,
 * natural log of the filter amplitudes (½·ln power), DCT-II scaled as a cepstrum (log spectrum =
 * c0 + 2·Σ ck·cos), so that melCepstralDistanceDb gives MCD on the usual dB scale. Used to compare voices
 * (mean cepstrum = spectral colour), not for ASR.
 */
export function mfccFrames(samples: Float32Array, sampleRate: number, options: MfccOptions = {}): Float64Array[] {
  const count = options.coefficients ?? 13;
  const filterCount = options.filters ?? 26;
  const frameLength = Math.round((options.frameSeconds ?? 0.025) * sampleRate);
  const hop = Math.max(1, Math.round((options.hopSeconds ?? 0.01) * sampleRate));
  const size = nextPowerOfTwo(frameLength);
  const window = analysisWindow('hamming', frameLength);
  const edges = melFilterEdgesHz(sampleRate, options).map((hz) => (hz * size) / sampleRate);

  const energies: number[] = [];
  for (let start = 0; start + frameLength <= samples.length; start += hop) {
    let energy = 0;
    for (let i = 0; i < frameLength; i += 1) energy += samples[start + i]! ** 2;
    energies.push(energy);
  }
  const floor = Math.max(...energies, 0) * 10 ** (-(options.silenceBelowPeakDb ?? 40) / 10);
  const out: Float64Array[] = [];
  const logMel = new Float64Array(filterCount);
  for (let f = 0; f < energies.length; f += 1) {
    if (energies[f]! <= floor || energies[f] === 0) continue;
    const power = powerSpectrum(samples.subarray(f * hop, f * hop + frameLength), size, window);
    for (let m = 0; m < filterCount; m += 1) {
      const [left, centre, right] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
      let sum = 0;
      for (let k = Math.ceil(left); k <= Math.floor(right) && k <= size / 2; k += 1) {
        const weight = k <= centre ? (k - left) / (centre - left) : (right - k) / (right - centre);
        if (weight > 0) sum += weight * power[k]!;
      }
      logMel[m] = Math.log(Math.max(sum, 1e-12));
    }
    out.push(cepstrumOfLogMel(logMel, count));
  }
  return out;
}

/** Edges of the triangular mel filters (Hz): filter m spans edges m..m+2 and peaks at edge m+1. */
export function melFilterEdgesHz(sampleRate: number, options: MfccOptions = {}): number[] {
  const filterCount = options.filters ?? 26;
  const low = hzToMel(options.lowHz ?? 60);
  const high = hzToMel(Math.min(options.highHz ?? 8000, sampleRate / 2));
  return Array.from({ length: filterCount + 2 }, (_, i) => melToHz(low + ((high - low) * i) / (filterCount + 1)));
}

/** Centre (peak) frequency of each mel filter (Hz). */
export function melFilterCentresHz(sampleRate: number, options: MfccOptions = {}): number[] {
  return melFilterEdgesHz(sampleRate, options).slice(1, -1);
}

/**
 * Cepstrum c0..c(count−1) of a log-mel vector (natural log of power per filter), with mfccFrames' scaling.
 * Linear, so the cepstrum of a change in log-mel power (e.g. an EQ's gain at each filter) is the change in
 * cepstrum it causes.
 */
export function cepstrumOfLogMel(logMel: ArrayLike<number>, count = 13): Float64Array {
  const filterCount = logMel.length;
  const cepstrum = new Float64Array(count);
  for (let c = 0; c < count; c += 1) {
    let sum = 0;
    for (let m = 0; m < filterCount; m += 1) sum += logMel[m]! * Math.cos((Math.PI * c * (m + 0.5)) / filterCount);
    cepstrum[c] = (0.5 * sum) / filterCount;
  }
  return cepstrum;
}

export function meanCepstrum(frames: readonly Float64Array[]): Float64Array {
  const mean = new Float64Array(frames[0]?.length ?? 0);
  for (const frame of frames) for (let i = 0; i < mean.length; i += 1) mean[i] = mean[i]! + frame[i]! / frames.length;
  return mean;
}

/**
 * Mel-cepstral distance in dB between two mean cepstra over c1..c12 (c0, the level, is ignored):
 * (10 / ln 10) · sqrt(2 · Σ Δc²), the usual MCD scaling.
 */
export function melCepstralDistanceDb(a: ArrayLike<number>, b: ArrayLike<number>, last = 12): number {
  let sum = 0;
  for (let i = 1; i <= last && i < a.length && i < b.length; i += 1) sum += (a[i]! - b[i]!) ** 2;
  return (10 / Math.LN10) * Math.sqrt(2 * sum);
}
