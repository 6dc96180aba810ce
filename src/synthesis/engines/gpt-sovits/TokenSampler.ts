import type { SeededRandom } from './SeededRandom.ts';

export interface SamplingOptions {
  /** Keep the k most likely tokens (GPT-SoVITS v2 default 15). */
  readonly topK: number;
  /** Nucleus sampling; 1 disables it (GPT-SoVITS default 1). */
  readonly topP: number;
  readonly temperature: number;
  /** Divides positive (multiplies negative) logits of every token already in the sequence (default 1.35). */
  readonly repetitionPenalty: number;
}

export const DEFAULT_SAMPLING: SamplingOptions = { topK: 15, topP: 1, temperature: 1, repetitionPenalty: 1.35 };

export interface SampledToken {
  readonly token: number;
  /** Argmax of the penalised logits: GPT-SoVITS also stops when this is EOS. */
  readonly argmax: number;
}

/**
 * GPT-SoVITS's sampling, in its PyTorch order: repetition penalty over every id seen (prompt included),
 * top-p, temperature, top-k, softmax, then an exact multinomial draw from a seeded generator.
 */
export class TokenSampler {
  readonly #options: SamplingOptions;
  readonly #random: SeededRandom;
  readonly #work: Float32Array;
  readonly #order: Int32Array;

  constructor(vocabularySize: number, options: SamplingOptions, random: SeededRandom) {
    this.#options = options;
    this.#random = random;
    this.#work = new Float32Array(vocabularySize);
    this.#order = new Int32Array(vocabularySize);
  }

  /**
   * @param logits raw logits (at least `vocabularySize` values; the last ones are used)
   * @param seen   seen[id] is 1 for every id in the sequence so far
   * @param banned a token that may not be drawn now (EOS during the minimum length), or -1
   */
  sample(logits: Float32Array, seen: Uint8Array, banned: number): SampledToken {
    const v = this.#work.length;
    const work = this.#work;
    work.set(logits.subarray(logits.length - v));
    const { topK, topP, temperature, repetitionPenalty } = this.#options;
    if (banned >= 0) work[banned] = -Infinity;
    for (let i = 0; i < v; i++) {
      if (seen[i] === 1) {
        const s = work[i]!;
        work[i] = s < 0 ? s * repetitionPenalty : s / repetitionPenalty;
      }
    }
    let argmax = 0;
    for (let i = 1; i < v; i++) if (work[i]! > work[argmax]!) argmax = i;

    if (topP < 1) {
      const order = this.#order;
      for (let i = 0; i < v; i++) order[i] = i;
      order.sort((a, b) => work[b]! - work[a]!);
      const max = work[order[0]!]!;
      let total = 0;
      for (let i = 0; i < v; i++) total += Math.exp(work[order[i]!]! - max);
      let cumulative = 0;
      for (let i = 0; i < v; i++) {
        const index = order[i]!;
        cumulative += Math.exp(work[index]! - max) / total;
        // As in PyTorch: drop a token once the cumulative mass up to it exceeds top_p; the first always stays.
        if (i > 0 && cumulative > topP) work[index] = -Infinity;
      }
    }
    const scale = 1 / Math.max(temperature, 1e-5);
    for (let i = 0; i < v; i++) work[i] = work[i]! * scale;
    if (topK > 0 && topK < v) {
      const sorted = Float32Array.from(work).sort();
      const kth = sorted[v - topK]!;
      for (let i = 0; i < v; i++) if (work[i]! < kth) work[i] = -Infinity;
    }
    const max = work[argmaxOf(work)]!;
    let total = 0;
    for (let i = 0; i < v; i++) {
      const p = work[i] === -Infinity ? 0 : Math.exp(work[i]! - max);
      work[i] = p;
      total += p;
    }
    let target = this.#random.next() * total;
    let token = argmaxOf(work);
    for (let i = 0; i < v; i++) {
      target -= work[i]!;
      if (target < 0 && work[i]! > 0) {
        token = i;
        break;
      }
    }
    return { token, argmax };
  }
}

function argmaxOf(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
