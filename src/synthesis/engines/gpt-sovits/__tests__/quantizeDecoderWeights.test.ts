import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxModelEditor } from '../OnnxModelEditor.ts';
import { quantizeDecoderWeights, quantizeLinearWeight, type BlockQuantizedWeight } from '../quantizeDecoderWeights.ts';
import { SeededRandom } from '../SeededRandom.ts';
import { OnnxGraphBuilder } from './onnx/OnnxGraphBuilder.ts';

describe('quantizeLinearWeight', () => {
  // PyTorch Linear layout [out = 2, in = 36]: one full block of 32 inputs and a short block of 4.
  const weight = new Float32Array(2 * 36);
  weight.set([0.5, -1.0, 0.25], 0); // block 0 of channel 0: peak 1.0
  weight.set([2.54, -1.27, 0.04, 2.0], 32); // block 1 of channel 0: peak 2.54
  // channel 1 all zero

  it('scales each block of each output channel by its own peak, offset by 128, short block padded', () => {
    const q = quantizeLinearWeight(weight, 2, 36, 32);
    expect(q.blocks).toBe(2);
    expect(q.values.length).toBe(2 * 2 * 32);
    expect(Array.from(q.scales)).toEqual([Math.fround(1 / 127), Math.fround(2.54 / 127), 1, 1]);
    expect(Array.from(q.values.subarray(0, 4))).toEqual([128 + 64, 128 - 127, 128 + 32, 128]);
    expect(Array.from(q.values.subarray(32, 37))).toEqual([128 + 127, 128 - 63, 128 + 2, 128 + 100, 128]);
    expect(q.values.subarray(36, 64).every((v) => v === 128)).toBe(true); // padding reads as zero
    expect(q.values.subarray(64).every((v) => v === 128)).toBe(true); // an all-zero channel stays zero
  });

  it('reconstructs every weight within half a quantisation step of its block', () => {
    const random = new SeededRandom(3);
    const w = Float32Array.from({ length: 8 * 80 }, () => (random.next() - 0.5) * (random.next() < 0.05 ? 40 : 1));
    const q = quantizeLinearWeight(w, 8, 80, 32);
    for (let o = 0; o < 8; o++) {
      for (let i = 0; i < 80; i++) {
        const b = Math.floor(i / 32);
        const scale = q.scales[o * q.blocks + b]!;
        const restored = (q.values[(o * q.blocks + b) * 32 + (i % 32)]! - 128) * scale;
        expect(Math.abs(restored - w[o * 80 + i]!)).toBeLessThanOrEqual(scale / 2 + 1e-6);
      }
    }
  });
});

describe('quantizeDecoderWeights', () => {
  // The two shapes the Genie decoders use: Gemm(x, W, b, transB=1) and MatMul(x, Transpose(W)) + b.
  const IN = 48;
  const HIDDEN = 96;
  const OUT = 40;
  const random = new SeededRandom(7);
  const values = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (random.next() - 0.5) * 2 * scale);
  const w1 = values(HIDDEN * IN, 1 / Math.sqrt(IN));
  const b1 = values(HIDDEN, 0.1);
  const w2 = values(OUT * HIDDEN, 1 / Math.sqrt(HIDDEN));
  const b2 = values(OUT, 0.1);
  const external = new Float32Array([...w1, ...w2, ...b1, ...b2]);

  function graph(): Uint8Array {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', 'float32', [5, IN]);
    g.initializer('transformer_encoder.layers.0.self_attn.in_proj_weight', [HIDDEN, IN], w1, { location: 'w.bin', offset: 0 });
    g.initializer('transformer_encoder.layers.0.linear2.weight', [OUT, HIDDEN], w2, { location: 'w.bin', offset: w1.byteLength });
    // As in the Genie graphs, biases are external data too (that is how the fold recognises a bias vector).
    g.initializer('in_proj_bias', [HIDDEN], b1, { location: 'w.bin', offset: w1.byteLength + w2.byteLength });
    g.initializer('linear2_bias', [OUT], b2, { location: 'w.bin', offset: w1.byteLength + w2.byteLength + b1.byteLength });
    const h = g.op('Relu', [g.op('Gemm', [x, 'transformer_encoder.layers.0.self_attn.in_proj_weight', 'in_proj_bias'], { transB: 1 })]);
    const wT = g.op('Transpose', ['transformer_encoder.layers.0.linear2.weight'], { perm: [1, 0] });
    g.op('Add', [g.op('MatMul', [h, wT]), 'linear2_bias'], {}, 'y');
    g.output('y', 'float32', [5, OUT]);
    return g.toBytes(17);
  }

  const weightOf = (name: string): Float32Array => (name.endsWith('in_proj_weight') ? w1 : w2);
  const run = async (model: Uint8Array, x: Float32Array): Promise<Float32Array> => {
    const session = await ort.InferenceSession.create(model, { externalData: [{ path: 'w.bin', data: Buffer.from(external.buffer) }] });
    try {
      return (await session.run({ x: new ort.Tensor('float32', x, [5, IN]) })).y!.data as Float32Array;
    } finally {
      await session.release();
    }
  };

  it('replaces both weight products with 8-bit MatMulNBits, folds the bias Add, and computes what float32 computes', async () => {
    const cache = new Map<string, BlockQuantizedWeight>();
    const quantised = quantizeDecoderWeights(graph(), 'test.onnx', weightOf, cache);
    const ops = new OnnxModelEditor(quantised).nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'MatMulNBits')).toHaveLength(2);
    expect(ops).not.toContain('Gemm');
    expect(ops).not.toContain('MatMul');
    expect(ops).not.toContain('Add');
    expect([...cache.keys()].sort()).toEqual(['transformer_encoder.layers.0.linear2.weight', 'transformer_encoder.layers.0.self_attn.in_proj_weight']);

    const x = values(5 * IN, 1);
    const [reference, actual] = [await run(graph(), x), await run(quantised, x)];
    let error = 0;
    let energy = 0;
    for (let i = 0; i < reference.length; i++) {
      error += (reference[i]! - actual[i]!) ** 2;
      energy += reference[i]! ** 2;
    }
    // 8-bit weights and activations: about 1 % here; a wrong layout, scale or zero point is ≥ 100 %.
    expect(Math.sqrt(error / energy)).toBeLessThan(0.03);
    expect(Math.sqrt(error / energy)).toBeGreaterThan(0);
  });

  it('refuses a graph with nothing to quantise, naming it', () => {
    const g = new OnnxGraphBuilder();
    g.op('Relu', [g.input('x', 'float32', [1])], {}, 'y');
    g.output('y', 'float32', [1]);
    expect(() => quantizeDecoderWeights(g.toBytes(), 'other.onnx', weightOf, new Map())).toThrow(/other\.onnx has no transformer weight products/);
  });
});
