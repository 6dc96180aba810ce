import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnDemandSession } from '../OnDemandSession.ts';
import { OnnxGraphBuilder } from './onnx/OnnxGraphBuilder.ts';

const graph = (): Uint8Array => {
  const g = new OnnxGraphBuilder();
  g.op('Neg', [g.input('x', 'float32', [1])], {}, 'y');
  g.output('y', 'float32', [1]);
  return g.toBytes();
};
const feeds = { x: new ort.Tensor('float32', Float32Array.from([2]), [1]) };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('OnDemandSession', () => {
  it('loads on first use, once for runs close together, and again after it was idle', async () => {
    const session = new OnDemandSession(() => ort.InferenceSession.create(graph()), 80);
    expect(session.loaded).toBe(false);
    const [a, b] = await Promise.all([session.run(feeds), session.run(feeds)]);
    expect([(a.y!.data as Float32Array)[0], (b.y!.data as Float32Array)[0]]).toEqual([-2, -2]);
    await session.run(feeds);
    expect(session.loads).toBe(1);
    expect(session.loaded).toBe(true);
    await sleep(200);
    expect(session.loaded).toBe(false);
    await session.run(feeds);
    expect(session.loads).toBe(2);
    await session.release();
    expect(session.loaded).toBe(false);
  });

  it('forgets a failed load, so the next run tries again', async () => {
    let attempts = 0;
    const session = new OnDemandSession(async () => {
      attempts++;
      if (attempts === 1) throw new Error('file missing');
      return ort.InferenceSession.create(graph());
    }, 1000);
    await expect(session.run(feeds)).rejects.toThrow('file missing');
    expect(session.loaded).toBe(false);
    expect(((await session.run(feeds)).y!.data as Float32Array)[0]).toBe(-2);
    await session.release();
  });
});
