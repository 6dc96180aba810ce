import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../SeededRandom.ts';
import { TokenSampler, type SamplingOptions } from '../TokenSampler.ts';

const V = 8;
const none = new Uint8Array(V);
const options = (o: Partial<SamplingOptions>): SamplingOptions => ({ topK: V, topP: 1, temperature: 1, repetitionPenalty: 1, ...o });

function histogram(sampler: TokenSampler, logits: Float32Array, seen = none, draws = 4000): number[] {
  const counts = new Array<number>(V).fill(0);
  for (let i = 0; i < draws; i++) counts[sampler.sample(logits, seen, -1).token]!++;
  return counts;
}

describe('TokenSampler', () => {
  it('draws in proportion to softmax probabilities', () => {
    const logits = Float32Array.from([Math.log(3), 0, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity]);
    const counts = histogram(new TokenSampler(V, options({}), new SeededRandom(1)), logits);
    expect(counts[0]! / 4000).toBeGreaterThan(0.72);
    expect(counts[0]! / 4000).toBeLessThan(0.78);
    expect(counts.slice(2).every((c) => c === 0)).toBe(true);
  });

  it('keeps only the top k tokens', () => {
    const logits = Float32Array.from([5, 4, 3, 2, 1, 0, -1, -2]);
    const counts = histogram(new TokenSampler(V, options({ topK: 2 }), new SeededRandom(2)), logits);
    expect(counts.slice(2).every((c) => c === 0)).toBe(true);
    expect(counts[1]).toBeGreaterThan(0);
  });

  it('drops tokens whose cumulative probability exceeds top_p (as GPT-SoVITS), always keeping the best', () => {
    // probabilities ≈ 0.636, 0.234, 0.086, …: cumulative 0.636, 0.870, 0.956 → top_p 0.9 keeps two.
    const logits = Float32Array.from([3, 2, 1, 0, -1, -2, -3, -4]);
    const counts = histogram(new TokenSampler(V, options({ topP: 0.9 }), new SeededRandom(3)), logits);
    expect(counts[0]! > 0 && counts[1]! > 0).toBe(true);
    expect(counts.slice(2).every((c) => c === 0)).toBe(true);
    const onlyBest = histogram(new TokenSampler(V, options({ topP: 0.01 }), new SeededRandom(3)), logits, none, 200);
    expect(onlyBest[0]).toBe(200);
  });

  it('penalises tokens already seen (divides positive, multiplies negative logits) and reports the penalised argmax', () => {
    const sampler = new TokenSampler(V, options({ topK: 1, repetitionPenalty: 2 }), new SeededRandom(4));
    const logits = Float32Array.from([3, 2, 0, 0, 0, 0, 0, 0]);
    const seen = new Uint8Array(V);
    expect(sampler.sample(logits, seen, -1)).toEqual({ token: 0, argmax: 0 });
    seen[0] = 1; // 3 / 2 = 1.5 < 2
    expect(sampler.sample(logits, seen, -1)).toEqual({ token: 1, argmax: 1 });
    const negative = Float32Array.from([-1, -1.5, -9, -9, -9, -9, -9, -9]);
    expect(sampler.sample(negative, seen, -1).token).toBe(1); // -1 × 2 = -2 < -1.5
  });

  it('never draws the banned token and leaves the caller\'s logits untouched', () => {
    const sampler = new TokenSampler(V, options({}), new SeededRandom(5));
    const logits = Float32Array.from([50, 0, 0, 0, 0, 0, 0, 0]);
    for (let i = 0; i < 50; i++) expect(sampler.sample(logits, none, 0).token).not.toBe(0);
    expect(logits[0]).toBe(50);
  });
});
