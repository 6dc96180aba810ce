/** Test signals with known answers for the analysis modules. */

/** Deterministic white noise, uniform in ±amplitude (xorshift32). */
export function whiteNoise(length: number, amplitude = 0.3, seed = 2024): Float32Array {
  const out = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 0xffffffff - 0.5) * 2 * amplitude;
  }
  return out;
}

/** Unit impulses every sampleRate/f0 samples (rounded per pulse so the mean period is exact). */
export function impulseTrain(f0: number, sampleRate: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let t = 0; t < out.length; t += sampleRate / f0) out[Math.round(t)] = 1;
  return out;
}

/** Passes `input` through a cascade of two-pole resonators (frequency, bandwidth in Hz), unity gain at DC. */
export function resonate(input: Float32Array, sampleRate: number, resonances: ReadonlyArray<readonly [number, number]>): Float32Array {
  let signal = Float64Array.from(input);
  for (const [frequency, bandwidth] of resonances) {
    const radius = Math.exp((-Math.PI * bandwidth) / sampleRate);
    const a1 = -2 * radius * Math.cos((2 * Math.PI * frequency) / sampleRate);
    const a2 = radius * radius;
    const gain = 1 + a1 + a2;
    const out = new Float64Array(signal.length);
    for (let n = 0; n < signal.length; n += 1) out[n] = gain * signal[n]! - a1 * (out[n - 1] ?? 0) - a2 * (out[n - 2] ?? 0);
    signal = out;
  }
  const result = new Float32Array(signal.length);
  let peak = 0;
  for (const value of signal) peak = Math.max(peak, Math.abs(value));
  for (let n = 0; n < signal.length; n += 1) result[n] = (0.5 * signal[n]!) / peak;
  return result;
}

/** A vowel-like signal: glottal pulses at f0 through formant resonators, then −6 dB/octave lip radiation undone. */
export function vowel(f0: number, formants: ReadonlyArray<readonly [number, number]>, sampleRate: number, seconds: number): Float32Array {
  return resonate(impulseTrain(f0, sampleRate, seconds), sampleRate, formants);
}

/** Sum of the first `count` harmonics of f0 with 1/k amplitudes. */
export function harmonics(f0: number, sampleRate: number, seconds: number, count = 10): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i += 1) {
    let value = 0;
    for (let k = 1; k <= count && k * f0 < sampleRate / 2; k += 1) value += Math.sin((2 * Math.PI * k * f0 * i) / sampleRate) / k;
    out[i] = 0.2 * value;
  }
  return out;
}
