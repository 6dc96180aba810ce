import { nextPowerOfTwo, powerSpectrum } from './fft.ts';
import { bandEdgesHz, THIRD_OCTAVE_CENTRES_HZ } from './thirdOctaveBands.ts';
import { analysisWindow, windowPower } from './window.ts';

export interface LongTermSpectrumOptions {
  /** Frame length; default 40 ms (Hann). */
  readonly frameSeconds?: number;
  /** Default 10 ms. */
  readonly hopSeconds?: number;
  /** Frames whose centre (s) fails this are skipped, e.g. to keep voiced frames only. Default: all frames. */
  readonly include?: (centreSeconds: number) => boolean;
  /** Frames quieter than this many dB below the loudest frame are skipped as silence. Default 50. */
  readonly silenceBelowPeakDb?: number;
  /** Band centres; default the 19 third-octave bands 100 Hz–6.4 kHz. */
  readonly bandCentresHz?: readonly number[];
}

export interface LongTermSpectrum {
  readonly bandCentresHz: readonly number[];
  /** 10·log10 of the mean power per band over the frames used (absolute level depends on the input). */
  readonly bandDb: Float64Array;
  readonly frames: number;
}

/**
 * Long-term average spectrum: the log of the mean power (not the mean of log power — espeak's narrow
 * formants make deep inter-formant valleys that a mean of logs turns into bogus boosts) in each band.
 * Band power is the mean bin power in the band times its width in bins, so it does not depend on how many
 * bins fall inside a narrow low band.
 */
export function longTermSpectrum(samples: Float32Array, sampleRate: number, options: LongTermSpectrumOptions = {}): LongTermSpectrum {
  const frameLength = Math.round((options.frameSeconds ?? 0.04) * sampleRate);
  const hop = Math.max(1, Math.round((options.hopSeconds ?? 0.01) * sampleRate));
  const size = nextPowerOfTwo(2 * frameLength);
  const window = analysisWindow('hann', frameLength);
  const normaliser = windowPower(window);
  const centres = options.bandCentresHz ?? THIRD_OCTAVE_CENTRES_HZ;
  const binHz = sampleRate / size;

  const frameEnergies: number[] = [];
  const starts: number[] = [];
  for (let start = 0; start + frameLength <= samples.length; start += hop) {
    const centreSeconds = (start + frameLength / 2) / sampleRate;
    if (options.include !== undefined && !options.include(centreSeconds)) continue;
    let energy = 0;
    for (let i = 0; i < frameLength; i += 1) energy += samples[start + i]! ** 2;
    frameEnergies.push(energy);
    starts.push(start);
  }
  const peak = Math.max(0, ...frameEnergies);
  const floor = peak * 10 ** (-(options.silenceBelowPeakDb ?? 50) / 10);

  const sums = new Float64Array(centres.length);
  let frames = 0;
  const frame = new Float64Array(frameLength);
  for (let f = 0; f < starts.length; f += 1) {
    if (frameEnergies[f]! <= floor || frameEnergies[f]! === 0) continue;
    const start = starts[f]!;
    for (let i = 0; i < frameLength; i += 1) frame[i] = samples[start + i]!;
    const power = powerSpectrum(frame, size, window);
    for (let b = 0; b < centres.length; b += 1) {
      const [low, high] = bandEdgesHz(centres[b]!);
      const first = Math.max(1, Math.ceil(low / binHz));
      const last = Math.min(size / 2, Math.floor(high / binHz));
      let sum = 0;
      let count = 0;
      for (let k = first; k <= last; k += 1) {
        sum += power[k]!;
        count += 1;
      }
      if (count === 0) {
        // Band narrower than a bin (low bands, short frames): take the nearest bin.
        sum = power[Math.min(size / 2, Math.round(centres[b]! / binHz))]!;
        count = 1;
      }
      sums[b] = sums[b]! + ((sum / count) * ((high - low) / binHz)) / normaliser;
    }
    frames += 1;
  }
  const bandDb = new Float64Array(centres.length);
  for (let b = 0; b < centres.length; b += 1) bandDb[b] = frames > 0 && sums[b]! > 0 ? 10 * Math.log10(sums[b]! / frames) : -Infinity;
  return { bandCentresHz: centres, bandDb, frames };
}

/** Band-by-band a − b with the mean difference removed (level-normalised), in dB. */
export function spectrumDifferenceDb(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new RangeError(`Spectra have different band counts (${a.length} vs ${b.length}).`);
  const difference = new Float64Array(a.length);
  let mean = 0;
  for (let i = 0; i < a.length; i += 1) {
    difference[i] = a[i]! - b[i]!;
    mean += difference[i]!;
  }
  mean /= a.length;
  for (let i = 0; i < a.length; i += 1) difference[i] = difference[i]! - mean;
  return difference;
}

/** RMS over bands of the level-normalised dB difference: 0 = same spectral shape. */
export function spectrumDistanceDb(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const difference = spectrumDifferenceDb(a, b);
  let sum = 0;
  for (const value of difference) sum += value * value;
  return Math.sqrt(sum / difference.length);
}
