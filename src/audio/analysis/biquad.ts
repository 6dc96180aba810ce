/** Second-order IIR section, normalised so a0 = 1: y = b0·x + b1·x₁ + b2·x₂ − a1·y₁ − a2·y₂. */
export interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/** Q of a peaking filter whose bandwidth (between half-gain points, in dB) is `octaves`. */
export function qForBandwidth(octaves: number): number {
  return 1 / (2 * Math.sinh((Math.LN2 / 2) * octaves));
}

/** Peaking ("bell") equaliser from R. Bristow-Johnson's Audio EQ Cookbook. */
export function peakingBiquad(sampleRate: number, centreHz: number, gainDb: number, q: number): BiquadCoefficients {
  const amplitude = 10 ** (gainDb / 40);
  const omega = (2 * Math.PI * centreHz) / sampleRate;
  const alpha = Math.sin(omega) / (2 * q);
  const cos = Math.cos(omega);
  const a0 = 1 + alpha / amplitude;
  return {
    b0: (1 + alpha * amplitude) / a0,
    b1: (-2 * cos) / a0,
    b2: (1 - alpha * amplitude) / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha / amplitude) / a0,
  };
}

/** Magnitude response in dB of a cascade at one frequency. */
export function cascadeResponseDb(sections: readonly BiquadCoefficients[], sampleRate: number, frequencyHz: number): number {
  const omega = (2 * Math.PI * frequencyHz) / sampleRate;
  const c1 = Math.cos(omega);
  const s1 = Math.sin(omega);
  const c2 = Math.cos(2 * omega);
  const s2 = Math.sin(2 * omega);
  let db = 0;
  for (const { b0, b1, b2, a1, a2 } of sections) {
    const numRe = b0 + b1 * c1 + b2 * c2;
    const numIm = -(b1 * s1 + b2 * s2);
    const denRe = 1 + a1 * c1 + a2 * c2;
    const denIm = -(a1 * s1 + a2 * s2);
    db += 10 * Math.log10((numRe * numRe + numIm * numIm) / (denRe * denRe + denIm * denIm));
  }
  return db;
}

/**
 * A cascade of biquads that filters a stream chunk by chunk: the state (transposed direct form II) is
 * carried from one `process` call to the next, so splitting the input anywhere gives identical output.
 */
export class BiquadCascade {
  readonly #sections: readonly BiquadCoefficients[];
  readonly #state: Float64Array;

  constructor(sections: readonly BiquadCoefficients[]) {
    this.#sections = sections;
    this.#state = new Float64Array(2 * sections.length);
  }

  /** Filters `samples` in place and returns them. */
  process(samples: Float32Array): Float32Array {
    const state = this.#state;
    for (let s = 0; s < this.#sections.length; s += 1) {
      const { b0, b1, b2, a1, a2 } = this.#sections[s]!;
      let z1 = state[2 * s]!;
      let z2 = state[2 * s + 1]!;
      for (let i = 0; i < samples.length; i += 1) {
        const x = samples[i]!;
        const y = b0 * x + z1;
        z1 = b1 * x - a1 * y + z2;
        z2 = b2 * x - a2 * y;
        samples[i] = y;
      }
      state[2 * s] = z1;
      state[2 * s + 1] = z2;
    }
    return samples;
  }

  reset(): void {
    this.#state.fill(0);
  }
}
