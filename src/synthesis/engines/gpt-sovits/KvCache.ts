import * as ort from 'onnxruntime-node';
import { CACHE_MASK_INPUT, kCacheInput, kNewOutput, vCacheInput, vNewOutput } from './rewriteStageAttention.ts';

/** How the decoder loop hands the per-layer KV caches from one step to the next. */
export interface KvCache {
  /** Takes the caches the prefill (first-stage decoder) produced. */
  fromPrefill(out: ort.InferenceSession.OnnxValueMapType): void;
  /** Cache inputs of the next stage step. */
  feeds(): Record<string, ort.Tensor>;
  /** Output names the stage step must return for the cache (besides y, y_emb and the logits). */
  readonly fetches: readonly string[];
  /** Takes the cache outputs of a stage step. */
  afterStep(out: ort.InferenceSession.OnnxValueMapType): void;
}

const present = (kind: 'k' | 'v', layer: number): string => `present_${kind}_layer_${layer}`;

function floatOutput(out: ort.InferenceSession.OnnxValueMapType, name: string): ort.Tensor {
  const tensor = out[name];
  if (tensor === undefined || !(tensor.data instanceof Float32Array)) throw new Error(`decoder output ${name} is missing or not float32`);
  return tensor;
}

/** The graphs as exported: each step returns whole new caches ([rows, 1, width]) that are fed back. */
export class GraphKvCache implements KvCache {
  readonly fetches: readonly string[];
  readonly #layerCount: number;
  #caches: ort.Tensor[] = [];

  constructor(layerCount: number) {
    this.#layerCount = layerCount;
    this.fetches = Array.from({ length: layerCount }, (_, i) => [present('k', i), present('v', i)]).flat();
  }

  fromPrefill(out: ort.InferenceSession.OnnxValueMapType): void {
    this.afterStep(out);
  }

  feeds(): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (let i = 0; i < this.#layerCount; i++) {
      feeds[`past_k_layer_${i}`] = this.#caches[2 * i]!;
      feeds[`past_v_layer_${i}`] = this.#caches[2 * i + 1]!;
    }
    return feeds;
  }

  afterStep(out: ort.InferenceSession.OnnxValueMapType): void {
    this.#caches = this.fetches.map((name) => floatOutput(out, name));
  }
}

/** Rows added to the caches' capacity at a time: re-laying out the caches is then rare, and few masked rows are read. */
const GROWTH = 32;
const MASKED = -1e9;

/**
 * Caches for the rewritten stage decoder (rewriteStageAttention.ts): one buffer per layer for K
 * ([heads, headDim, capacity], transposed) and V ([heads, capacity, headDim]), with spare rows masked.
 * A step writes one new row per layer (512 floats) instead of copying every cache.
 */
export class InPlaceKvCache implements KvCache {
  readonly fetches: readonly string[];
  readonly #layerCount: number;
  readonly #heads: number;
  readonly #headDim: number;
  #rows = 0;
  #capacity = 0;
  #k: Float32Array[] = [];
  #v: Float32Array[] = [];
  #mask = new Float32Array(0);
  #feeds: Record<string, ort.Tensor> = {};

  constructor(layerCount: number, heads: number, width: number) {
    this.#layerCount = layerCount;
    this.#heads = heads;
    this.#headDim = width / heads;
    this.fetches = Array.from({ length: layerCount }, (_, i) => [kNewOutput(i), vNewOutput(i)]).flat();
  }

  get rows(): number {
    return this.#rows;
  }

  fromPrefill(out: ort.InferenceSession.OnnxValueMapType): void {
    const rows = floatOutput(out, present('k', 0)).dims[0]!;
    this.#rows = 0;
    this.#grow(rows + GROWTH);
    const width = this.#heads * this.#headDim;
    for (let layer = 0; layer < this.#layerCount; layer++) {
      const k = floatOutput(out, present('k', layer)).data as Float32Array;
      const v = floatOutput(out, present('v', layer)).data as Float32Array;
      for (let row = 0; row < rows; row++) this.#writeRow(layer, row, k.subarray(row * width, (row + 1) * width), v.subarray(row * width, (row + 1) * width));
    }
    this.#setRows(rows);
  }

  feeds(): Record<string, ort.Tensor> {
    return this.#feeds;
  }

  afterStep(out: ort.InferenceSession.OnnxValueMapType): void {
    if (this.#rows === this.#capacity) this.#grow(this.#capacity + GROWTH);
    for (let layer = 0; layer < this.#layerCount; layer++) {
      this.#writeRow(layer, this.#rows, floatOutput(out, kNewOutput(layer)).data as Float32Array, floatOutput(out, vNewOutput(layer)).data as Float32Array);
    }
    this.#setRows(this.#rows + 1);
  }

  #writeRow(layer: number, row: number, k: Float32Array, v: Float32Array): void {
    const heads = this.#heads;
    const headDim = this.#headDim;
    const capacity = this.#capacity;
    const kCache = this.#k[layer]!;
    const vCache = this.#v[layer]!;
    for (let h = 0; h < heads; h++) {
      for (let d = 0; d < headDim; d++) kCache[(h * headDim + d) * capacity + row] = k[h * headDim + d]!;
      vCache.set(v.subarray(h * headDim, (h + 1) * headDim), (h * capacity + row) * headDim);
    }
  }

  #setRows(rows: number): void {
    this.#rows = rows;
    this.#mask.fill(0, 0, rows);
  }

  /** Re-lays the caches out with a larger capacity (every GROWTH steps) and rebuilds the feed tensors. */
  #grow(capacity: number): void {
    const heads = this.#heads;
    const headDim = this.#headDim;
    const old = this.#capacity;
    const rows = this.#rows;
    for (let layer = 0; layer < this.#layerCount; layer++) {
      const k = new Float32Array(heads * headDim * capacity);
      const v = new Float32Array(heads * capacity * headDim);
      const oldK = this.#k[layer];
      const oldV = this.#v[layer];
      if (oldK !== undefined && oldV !== undefined) {
        for (let line = 0; line < heads * headDim; line++) k.set(oldK.subarray(line * old, line * old + rows), line * capacity);
        for (let h = 0; h < heads; h++) v.set(oldV.subarray(h * old * headDim, (h * old + rows) * headDim), h * capacity * headDim);
      }
      this.#k[layer] = k;
      this.#v[layer] = v;
    }
    this.#capacity = capacity;
    this.#mask = new Float32Array(capacity).fill(MASKED);
    this.#mask.fill(0, 0, rows);
    const feeds: Record<string, ort.Tensor> = { [CACHE_MASK_INPUT]: new ort.Tensor('float32', this.#mask, [1, 1, 1, capacity]) };
    for (let layer = 0; layer < this.#layerCount; layer++) {
      feeds[kCacheInput(layer)] = new ort.Tensor('float32', this.#k[layer]!, [1, heads, headDim, capacity]);
      feeds[vCacheInput(layer)] = new ort.Tensor('float32', this.#v[layer]!, [1, heads, capacity, headDim]);
    }
    this.#feeds = feeds;
  }
}
