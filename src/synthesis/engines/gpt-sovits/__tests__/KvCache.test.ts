import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { InPlaceKvCache } from '../KvCache.ts';

const LAYERS = 2;
const HEADS = 2;
const WIDTH = 4; // 2 heads of 2

/** A recognisable value for (layer, kind, row, channel). */
const value = (layer: number, kind: 'k' | 'v', row: number, channel: number): number => layer * 1000 + (kind === 'k' ? 0 : 500) + row * 10 + channel;

function rows(layer: number, kind: 'k' | 'v', from: number, count: number): Float32Array {
  return Float32Array.from({ length: count * WIDTH }, (_, i) => value(layer, kind, from + Math.floor(i / WIDTH), i % WIDTH));
}

function prefill(count: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (let layer = 0; layer < LAYERS; layer++) {
    out[`present_k_layer_${layer}`] = new ort.Tensor('float32', rows(layer, 'k', 0, count), [count, 1, WIDTH]);
    out[`present_v_layer_${layer}`] = new ort.Tensor('float32', rows(layer, 'v', 0, count), [count, 1, WIDTH]);
  }
  return out;
}

function step(row: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (let layer = 0; layer < LAYERS; layer++) {
    out[`k_new_${layer}`] = new ort.Tensor('float32', rows(layer, 'k', row, 1), [1, 1, WIDTH]);
    out[`v_new_${layer}`] = new ort.Tensor('float32', rows(layer, 'v', row, 1), [1, 1, WIDTH]);
  }
  return out;
}

/** Checks the feeds hold rows 0..count−1 in the layouts the rewritten graph reads, the rest masked. */
function expectCache(cache: InPlaceKvCache, count: number): void {
  const feeds = cache.feeds();
  const mask = feeds.cache_mask!;
  const capacity = mask.dims[3]!;
  expect(capacity).toBeGreaterThanOrEqual(count);
  const maskData = mask.data as Float32Array;
  expect(Array.from(maskData.subarray(0, count)).every((m) => m === 0)).toBe(true);
  expect(Array.from(maskData.subarray(count)).every((m) => m <= -1e9)).toBe(true);
  for (let layer = 0; layer < LAYERS; layer++) {
    const k = feeds[`k_cache_${layer}`]!;
    const v = feeds[`v_cache_${layer}`]!;
    expect(k.dims).toEqual([1, HEADS, 2, capacity]);
    expect(v.dims).toEqual([1, HEADS, capacity, 2]);
    for (let row = 0; row < count; row++) {
      for (let h = 0; h < HEADS; h++) {
        for (let d = 0; d < 2; d++) {
          expect((k.data as Float32Array)[(h * 2 + d) * capacity + row]).toBe(value(layer, 'k', row, h * 2 + d));
          expect((v.data as Float32Array)[(h * capacity + row) * 2 + d]).toBe(value(layer, 'v', row, h * 2 + d));
        }
      }
    }
  }
}

describe('InPlaceKvCache', () => {
  it('lays the prefill caches out heads-first (K transposed) with masked spare rows', () => {
    const cache = new InPlaceKvCache(LAYERS, HEADS, WIDTH);
    cache.fromPrefill(prefill(5));
    expect(cache.rows).toBe(5);
    expectCache(cache, 5);
    expect(cache.fetches).toEqual(['k_new_0', 'v_new_0', 'k_new_1', 'v_new_1']);
  });

  it('appends one row per step and keeps every row when it outgrows its capacity', () => {
    const cache = new InPlaceKvCache(LAYERS, HEADS, WIDTH);
    cache.fromPrefill(prefill(3));
    const firstCapacity = cache.feeds().cache_mask!.dims[3]!;
    let count = 3;
    while (count < firstCapacity + 5) cache.afterStep(step(count++));
    expect(cache.rows).toBe(count);
    expect(cache.feeds().cache_mask!.dims[3]).toBeGreaterThan(firstCapacity);
    expectCache(cache, count);
  });
});
