/**
 * Synchronous windowed-sinc resampling to any rate, for analysis only (e.g. LPC formant tracking at twice a
 * formant ceiling, where the rate is not an integer fraction of the input). Playback uses the Speex
 * resampler (../resample.ts); this one exists because analysis runs synchronously inside workers.
 * The Hann-windowed sinc kernel is tabulated (linear interpolation, 256 points per input sample), which keeps
 * trigonometry out of the inner loop.
 */
export function sincResample(samples: Float32Array, fromRate: number, toRate: number, zeroCrossings = 12): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError(`Sample rates must be positive, got ${fromRate} → ${toRate}.`);
  if (fromRate === toRate) return samples.slice();
  const ratio = toRate / fromRate;
  // Cut off just below the lower Nyquist frequency, in cycles per input sample.
  const cutoff = 0.5 * Math.min(1, ratio) * 0.95;
  const halfWidth = Math.ceil(zeroCrossings / (2 * cutoff));
  const resolution = 256;
  const table = new Float64Array(halfWidth * resolution + 2);
  for (let i = 0; i < table.length; i += 1) {
    const x = i / resolution;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    table[i] = x > halfWidth ? 0 : sinc * (0.5 + 0.5 * Math.cos((Math.PI * x) / (halfWidth + 1)));
  }
  const out = new Float32Array(Math.floor(samples.length * ratio));
  for (let n = 0; n < out.length; n += 1) {
    const centre = n / ratio;
    const first = Math.max(0, Math.ceil(centre - halfWidth));
    const last = Math.min(samples.length - 1, Math.floor(centre + halfWidth));
    let value = 0;
    let weightSum = 0;
    for (let k = first; k <= last; k += 1) {
      const position = Math.abs(k - centre) * resolution;
      const index = Math.floor(position);
      const fraction = position - index;
      const weight = table[index]! + (table[index + 1]! - table[index]!) * fraction;
      value += weight * samples[k]!;
      weightSum += weight;
    }
    // Normalising by the kernel sum keeps DC gain exactly 1, also at the edges.
    out[n] = weightSum !== 0 ? value / weightSum : 0;
  }
  return out;
}
