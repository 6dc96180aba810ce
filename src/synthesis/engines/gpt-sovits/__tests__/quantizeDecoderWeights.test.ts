import { describe, expect, it } from 'vitest';
import { quantizeLinearWeight } from '../quantizeDecoderWeights.ts';

describe('quantizeLinearWeight', () => {
  // PyTorch Linear layout [out = 3, in = 4].
  const weight = Float32Array.from([
    0.5, -1.0, 0.25, 0.0,
    0.0, 0.0, 0.0, 0.0,
    -2.54, 1.27, 0.04, 2.0,
  ]);

  it('scales each output channel by its own peak and transposes to [in, out]', () => {
    const q = quantizeLinearWeight(weight, 3, 4);
    expect(q.inFeatures).toBe(4);
    expect(q.outFeatures).toBe(3);
    expect(Array.from(q.scales)).toEqual([Math.fround(1 / 127), 1, Math.fround(2.54 / 127)]);
    // Column o of the [in, out] matrix is row o of the weight.
    const column = (o: number): number[] => [0, 1, 2, 3].map((i) => q.values[i * 3 + o]!);
    expect(column(0)).toEqual([64, -127, 32, 0]);
    expect(column(1)).toEqual([0, 0, 0, 0]); // an all-zero channel stays zero (scale 1, no division by 0)
    expect(column(2)).toEqual([-127, 64, 2, 100]);
  });

  it('reconstructs every weight within half a quantisation step', () => {
    const q = quantizeLinearWeight(weight, 3, 4);
    for (let o = 0; o < 3; o++) {
      for (let i = 0; i < 4; i++) {
        const restored = q.values[i * 3 + o]! * q.scales[o]!;
        expect(Math.abs(restored - weight[o * 4 + i]!)).toBeLessThanOrEqual(q.scales[o]! / 2 + 1e-7);
      }
    }
  });
});
