/**
 * Integer-factor downsampling with a windowed-sinc (Hann) low-pass at 0.45 of the new rate: enough for pitch
 * analysis, which only needs the band below a few kHz and gets quadratically cheaper at lower rates.
 */
export function decimate(samples: Float32Array, factor: number): Float32Array {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`Decimation factor must be a positive integer, got ${factor}.`);
  if (factor === 1) return samples;
  const halfLength = 8 * factor;
  const cutoff = 0.45 / factor; // cycles per input sample
  const taps = new Float64Array(2 * halfLength + 1);
  let sum = 0;
  for (let k = -halfLength; k <= halfLength; k += 1) {
    const sinc = k === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * k) / (Math.PI * k);
    const hann = 0.5 + 0.5 * Math.cos((Math.PI * k) / (halfLength + 1));
    taps[k + halfLength] = sinc * hann;
    sum += sinc * hann;
  }
  for (let i = 0; i < taps.length; i += 1) taps[i]! /= sum;

  const out = new Float32Array(Math.floor(samples.length / factor));
  for (let n = 0; n < out.length; n += 1) {
    const centre = n * factor;
    let value = 0;
    const first = Math.max(-halfLength, -centre);
    const last = Math.min(halfLength, samples.length - 1 - centre);
    for (let k = first; k <= last; k += 1) value += taps[k + halfLength]! * samples[centre + k]!;
    out[n] = value;
  }
  return out;
}
