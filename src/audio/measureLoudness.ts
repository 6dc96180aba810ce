/**
 * Integrated loudness (LUFS) after ITU-R BS.1770-4 for a mono signal: K-weighting (high shelf + high
 * pass), 400 ms blocks with 75 % overlap, absolute gate at −70 LUFS and relative gate at −10 LU.
 * The two filters are designed for the actual sample rate (bilinear transform) instead of the
 * 48 kHz coefficient table, so uploads at any rate are measured alike. Returns -Infinity for silence.
 */
export function measureIntegratedLoudness(samples: Float32Array, sampleRate: number): number {
  const weighted = biquad(biquad(samples, highShelf(sampleRate)), highPass(sampleRate));
  const block = Math.round(0.4 * sampleRate);
  const hop = Math.round(0.1 * sampleRate);
  if (weighted.length < block) return blockLoudness(meanSquare(weighted, 0, weighted.length));
  const powers: number[] = [];
  for (let start = 0; start + block <= weighted.length; start += hop) powers.push(meanSquare(weighted, start, block));
  const absoluteGated = powers.filter((power) => blockLoudness(power) > -70);
  if (absoluteGated.length === 0) return -Infinity;
  const relativeGate = blockLoudness(mean(absoluteGated)) - 10;
  const gated = absoluteGated.filter((power) => blockLoudness(power) > relativeGate);
  return blockLoudness(mean(gated));
}

interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/** Stage 1: +4 dB shelf above ~1.7 kHz modelling the head's acoustic effect. */
function highShelf(sampleRate: number): BiquadCoefficients {
  const gainDb = 3.99984385397;
  const q = 0.7071752369554193;
  const centre = 1681.974450955533;
  const k = Math.tan((Math.PI * centre) / sampleRate);
  const vh = Math.pow(10, gainDb / 20);
  const vb = Math.pow(vh, 0.4996667741545416);
  const a0 = 1 + k / q + k * k;
  return {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
}

/** Stage 2: the RLB high pass around 38 Hz. */
function highPass(sampleRate: number): BiquadCoefficients {
  const q = 0.5003270373238773;
  const centre = 38.13547087602444;
  const k = Math.tan((Math.PI * centre) / sampleRate);
  const a0 = 1 + k / q + k * k;
  return { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
}

function biquad(input: Float32Array, c: BiquadCoefficients): Float32Array {
  const out = new Float32Array(input.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < input.length; i++) {
    const x = input[i]!;
    const y = c.b0 * x + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2;
    x2 = x1; x1 = x; y2 = y1; y1 = y;
    out[i] = y;
  }
  return out;
}

function meanSquare(samples: Float32Array, start: number, length: number): number {
  let sum = 0;
  for (let i = start; i < start + length; i++) sum += samples[i]! * samples[i]!;
  return length > 0 ? sum / length : 0;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function blockLoudness(power: number): number {
  return power > 0 ? -0.691 + 10 * Math.log10(power) : -Infinity;
}
