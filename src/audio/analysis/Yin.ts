export interface YinOptions {
  /** Lowest F0 searched for; also sets the integration window (one period of it). Default 60 Hz. */
  readonly minFrequencyHz?: number;
  /** Highest F0 searched for. Default 500 Hz. */
  readonly maxFrequencyHz?: number;
  /** Distance between frame starts. Default 5 ms. */
  readonly hopSeconds?: number;
  /**
   * Voicing threshold on the cumulative-mean-normalised difference: a frame is voiced when some lag dips
   * below it. Lower is stricter. Default 0.15.
   */
  readonly threshold?: number;
  /**
   * When no lag dips below `threshold`, the frame is still voiced at the deepest dip if that is below this
   * (YIN's own step 4 fallback; for clean synthetic voices whose level changes fast, e.g. decaying tone ends).
   * Default: no fallback.
   */
  readonly fallbackThreshold?: number;
  /** Frames whose RMS is below this (full scale = 1) are unvoiced without analysis. Default 1e-3 (−60 dBFS). */
  readonly silenceRms?: number;
}

/** In the fallback, a dip this close to the deepest one that comes earlier is taken as the period. */
const FALLBACK_TOLERANCE = 0.1;

/** Frame geometry of a YIN analysis, so callers can map frame indices to time. */
export interface YinFrameLayout {
  readonly hopSamples: number;
  /** Samples each frame reads, starting at `frameIndex * hopSamples`. */
  readonly frameSamples: number;
}

export function yinFrameLayout(sampleRate: number, options: YinOptions = {}): YinFrameLayout {
  const minFrequencyHz = options.minFrequencyHz ?? 60;
  const maxLag = Math.ceil(sampleRate / minFrequencyHz);
  return {
    hopSamples: Math.max(1, Math.round((options.hopSeconds ?? 0.005) * sampleRate)),
    // Window of one longest period, plus the largest lag, plus one lag for the parabola's right neighbour.
    frameSamples: maxLag + maxLag + 2,
  };
}

/**
 * YIN pitch tracker (de Cheveigné & Kawahara, JASA 2002): difference function, cumulative-mean
 * normalisation, absolute threshold with descent to the local minimum, parabolic interpolation on the raw
 * difference function. Returns one F0 per frame in Hz, 0 for unvoiced or silent frames.
 * Pure and deterministic; cost is O(frames × window × maxLag), so downsample long 48 kHz input first.
 */
export function yin(samples: Float32Array, sampleRate: number, options: YinOptions = {}): Float32Array {
  const minFrequencyHz = options.minFrequencyHz ?? 60;
  const maxFrequencyHz = options.maxFrequencyHz ?? 500;
  const threshold = options.threshold ?? 0.15;
  const silenceRms = options.silenceRms ?? 1e-3;
  const window = Math.ceil(sampleRate / minFrequencyHz);
  const maxLag = window;
  const minLag = Math.max(2, Math.floor(sampleRate / maxFrequencyHz));
  const { hopSamples, frameSamples } = yinFrameLayout(sampleRate, options);
  const frameCount = samples.length < frameSamples ? 0 : Math.floor((samples.length - frameSamples) / hopSamples) + 1;
  const f0 = new Float32Array(frameCount);
  const difference = new Float64Array(maxLag + 2);
  const normalised = new Float64Array(maxLag + 2);
  const silentEnergy = window * silenceRms * silenceRms;

  for (let frame = 0; frame < frameCount; frame += 1) {
    const start = frame * hopSamples;
    let energy0 = 0;
    for (let j = 0; j < window; j += 1) {
      const x = samples[start + j]!;
      energy0 += x * x;
    }
    if (energy0 < silentEnergy) continue;

    // d(τ) = e(0) + e(τ) − 2 r(τ), with e(τ) the sliding window energy at offset τ.
    let energyTau = energy0;
    difference[0] = 0;
    for (let tau = 1; tau <= maxLag + 1; tau += 1) {
      const leaving = samples[start + tau - 1]!;
      const entering = samples[start + tau - 1 + window]!;
      energyTau += entering * entering - leaving * leaving;
      let correlation = 0;
      for (let j = 0; j < window; j += 1) correlation += samples[start + j]! * samples[start + j + tau]!;
      difference[tau] = Math.max(0, energy0 + energyTau - 2 * correlation);
    }

    normalised[0] = 1;
    let runningSum = 0;
    for (let tau = 1; tau <= maxLag + 1; tau += 1) {
      runningSum += difference[tau]!;
      normalised[tau] = runningSum > 0 ? (difference[tau]! * tau) / runningSum : 1;
    }

    let best = -1;
    for (let tau = minLag; tau <= maxLag; tau += 1) {
      if (normalised[tau]! < threshold) {
        while (tau + 1 <= maxLag && normalised[tau + 1]! < normalised[tau]!) tau += 1;
        best = tau;
        break;
      }
    }
    if (best < 0 && options.fallbackThreshold !== undefined) {
      // The deepest dip, or an earlier one nearly as deep (a multiple of the period dips as low).
      let deepest = options.fallbackThreshold;
      for (let tau = minLag; tau <= maxLag; tau += 1) deepest = Math.min(deepest, normalised[tau]!);
      if (deepest < options.fallbackThreshold) {
        for (let tau = minLag; tau <= maxLag && best < 0; tau += 1) {
          if (normalised[tau]! <= deepest + FALLBACK_TOLERANCE && normalised[tau]! <= normalised[tau - 1]! && normalised[tau]! <= normalised[tau + 1]!) best = tau;
        }
      }
    }
    if (best < 0) continue;

    const left = difference[best - 1]!;
    const centre = difference[best]!;
    const right = difference[best + 1]!;
    const curvature = left - 2 * centre + right;
    let offset = curvature > 0 ? (left - right) / (2 * curvature) : 0;
    if (offset > 1) offset = 1;
    if (offset < -1) offset = -1;
    f0[frame] = sampleRate / (best + offset);
  }
  return f0;
}
