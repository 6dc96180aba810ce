import { describe, expect, it } from 'vitest';
import { concatSamples } from '../pcm.ts';

describe('concatSamples', () => {
  it('joins parts in order into a fresh array of the named kind', () => {
    const a = Int16Array.of(1, 2);
    const b = Int16Array.of(3);
    const joined = concatSamples(Int16Array, [a, new Int16Array(0), b]);
    expect(joined).toBeInstanceOf(Int16Array);
    expect([...joined]).toEqual([1, 2, 3]);
    const single = concatSamples(Float32Array, [Float32Array.of(0.5)]);
    expect(single).toBeInstanceOf(Float32Array);
    expect([...single]).toEqual([0.5]);
  });

  it('never returns one of its inputs, even for a single part', () => {
    const only = Float32Array.of(0.25, -0.25);
    const joined = concatSamples(Float32Array, [only]);
    only[0] = 1;
    expect(joined[0]).toBe(0.25);
  });

  it('keeps its type for an empty list', () => {
    expect(concatSamples(Int16Array, [])).toBeInstanceOf(Int16Array);
    expect(concatSamples(Int16Array, [])).toHaveLength(0);
  });
});
