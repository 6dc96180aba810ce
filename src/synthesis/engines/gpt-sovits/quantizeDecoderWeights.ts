/*
 * int8 weights for the GPT-SoVITS decoders, made at load time: each transformer layer's four weight
 * products (in_proj, out_proj, linear1, linear2: 75 M of the 77 M parameters) become onnxruntime's
 * MatMulNBits with 8-bit weights, quantised symmetrically per block of 32 inputs of each output channel.
 * A decoder step reads every weight once, so it is bound by memory traffic: int8 reads a quarter of the
 * bytes. The logits projection, embeddings and norms stay float32.
 *
 * Why blocks of 32 and MatMulNBits (measured, test/bench/gptSovits.bench.ts and the issue notes): the
 * first int8 version used DynamicQuantizeMatMul (one scale per output channel, activations quantised per
 * tensor). With heavy-tailed norm gains — the activation outliers trained transformers have — its logits
 * drifted 4.6 % RMS from float32 (KL 3.9e-3 nats per step); block-wise weights with block-wise int8
 * activations (accuracy_level 4) stayed at 1.6 % (KL 4.6e-4) at the same step time. Blocks of 128 were
 * no faster and worse.
 */
import { ModelLayoutError } from './ModelLayoutError.ts';
import { addInitializer, attribute, ELEMENT, intAttribute, OnnxModelEditor, type EditorNode } from './OnnxModelEditor.ts';
import { readOnnxModelInfo } from './OnnxModelInfo.ts';

/** Inputs per quantisation block (a power of two ≥ 16, as MatMulNBits requires). */
export const QUANTISATION_BLOCK = 32;
/** MatMulNBits accuracy level 4: activations quantised to int8 per block too, for the int8 dot-product kernels. */
const INT8_COMPUTE = 4;
/** Unsigned storage: MatMulNBits' implied zero point for 8 bits is 128. */
const ZERO_POINT = 128;

export interface BlockQuantizedWeight {
  /** [out, blocks, QUANTISATION_BLOCK] bytes, value + 128 (a short last block is padded with zeros, i.e. 128). */
  readonly values: Uint8Array;
  /** One scale per (output channel, block), [out × blocks]. */
  readonly scales: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly blocks: number;
}

/** Symmetric block-wise int8 of a PyTorch Linear weight [out, in], in MatMulNBits' layout. */
export function quantizeLinearWeight(weight: Float32Array, outFeatures: number, inFeatures: number, block = QUANTISATION_BLOCK): BlockQuantizedWeight {
  const blocks = Math.ceil(inFeatures / block);
  const values = new Uint8Array(outFeatures * blocks * block).fill(ZERO_POINT);
  const scales = new Float32Array(outFeatures * blocks);
  for (let o = 0; o < outFeatures; o++) {
    for (let b = 0; b < blocks; b++) {
      const from = o * inFeatures + b * block;
      const to = o * inFeatures + Math.min(inFeatures, (b + 1) * block);
      let peak = 0;
      for (let i = from; i < to; i++) peak = Math.max(peak, Math.abs(weight[i]!));
      // An all-zero block keeps scale 1 (no division by zero); its values stay at the zero point.
      const scale = peak > 0 ? peak / 127 : 1;
      scales[o * blocks + b] = scale;
      const base = (o * blocks + b) * block - from;
      for (let i = from; i < to; i++) values[base + i] = ZERO_POINT + Math.round(weight[i]! / scale);
    }
  }
  return { values, scales, inFeatures, outFeatures, blocks };
}

/** MatMulNBits inputs: A, B, scales, zero_points, g_idx, bias. */
const BIAS_INPUT = 5;

/**
 * Folds `Add(bias, MatMulNBits(…))` into the operator's bias input: one node fewer per product, and
 * per-node overhead is a large part of a one-token step.
 */
function fuseBiasAdds(editor: OnnxModelEditor, isVector: (name: string) => boolean): void {
  const consumers = new Map<string, EditorNode[]>();
  for (const node of editor.nodes) for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  const graphOutputs = new Set(editor.outputs.map((o) => o.name));
  const fused = new Map<EditorNode, EditorNode>();
  const dropped = new Set<EditorNode>();
  for (const node of editor.nodes) {
    if (node.opType !== 'MatMulNBits' || node.inputs.length > BIAS_INPUT) continue;
    const product = node.outputs[0]!;
    const users = consumers.get(product) ?? [];
    const add = users[0];
    if (users.length !== 1 || add === undefined || add.opType !== 'Add' || graphOutputs.has(product)) continue;
    const bias = add.inputs.find((i) => i !== product);
    if (bias === undefined || !isVector(bias)) continue;
    const inputs = [...node.inputs];
    while (inputs.length < BIAS_INPUT) inputs.push('');
    fused.set(node, { ...node, inputs: [...inputs, bias], outputs: add.outputs });
    dropped.add(add);
  }
  editor.nodes = editor.nodes.filter((n) => !dropped.has(n)).map((n) => fused.get(n) ?? n);
}

const QUANTISED = /^transformer_encoder\.layers\.\d+\.(self_attn\.in_proj_weight|self_attn\.out_proj\.weight|linear1\.weight|linear2\.weight)$/;

/** Whether a decoder graph has transformer weights to quantise (the real ones do; tiny test graphs do not). */
export function canQuantizeDecoderWeights(model: Uint8Array): boolean {
  return readOnnxModelInfo(model).externalInitializers.some((i) => QUANTISED.test(i.name) && i.dims.length === 2);
}

/**
 * Rewrites a decoder graph's transformer weight products to int8. `weightOf` returns an external
 * initializer's float32 values; `cache` shares the quantised weights between the two decoders.
 */
export function quantizeDecoderWeights(model: Uint8Array, path: string, weightOf: (name: string) => Float32Array, cache: Map<string, BlockQuantizedWeight>): Uint8Array {
  const info = readOnnxModelInfo(model);
  const dims = new Map(info.externalInitializers.map((i) => [i.name, i.dims]));
  const editor = new OnnxModelEditor(model);
  const producer = new Map<string, EditorNode>();
  for (const node of editor.nodes) for (const o of node.outputs) producer.set(o, node);
  const added = new Set<string>();

  /** MatMulNBits in place of `input·Wᵀ (+ bias)` for the weight `name`. */
  const replacement = (node: EditorNode, name: string, input: string, bias: string | undefined): EditorNode => {
    const shape = dims.get(name);
    if (shape === undefined || shape.length !== 2) throw new ModelLayoutError(path, `${name} is not a 2-D weight; cannot quantise it.`);
    const [outFeatures, inFeatures] = shape as [number, number];
    let q = cache.get(name);
    if (q === undefined) cache.set(name, (q = quantizeLinearWeight(weightOf(name), outFeatures, inFeatures)));
    const values = `${name}/int8`;
    const scales = `${name}/int8_scales`;
    if (!added.has(name)) {
      added.add(name);
      addInitializer(editor, values, ELEMENT.uint8, [outFeatures, q.blocks, QUANTISATION_BLOCK], q.values);
      addInitializer(editor, scales, ELEMENT.float32, [outFeatures * q.blocks], new Uint8Array(q.scales.buffer, q.scales.byteOffset, q.scales.byteLength));
    }
    return {
      name: `${node.name}/int8`,
      opType: 'MatMulNBits',
      domain: 'com.microsoft',
      inputs: [input, values, scales, ...(bias === undefined ? [] : ['', '', bias])],
      outputs: node.outputs,
      attributes: [attribute.int('K', inFeatures), attribute.int('N', outFeatures), attribute.int('bits', 8), attribute.int('block_size', QUANTISATION_BLOCK), attribute.int('accuracy_level', INT8_COMPUTE)],
    };
  };

  let replaced = 0;
  editor.nodes = editor.nodes.map((node) => {
    if (node.opType === 'MatMul') {
      const transpose = producer.get(node.inputs[1] ?? '');
      const weight = transpose?.opType === 'Transpose' ? transpose.inputs[0] : undefined;
      if (weight === undefined || !QUANTISED.test(weight)) return node;
      replaced++;
      return replacement(node, weight, node.inputs[0]!, undefined);
    }
    if (node.opType === 'Gemm' && QUANTISED.test(node.inputs[1] ?? '')) {
      if (intAttribute(node, 'transB') !== 1 || intAttribute(node, 'transA') === 1) throw new ModelLayoutError(path, `${node.name} is not x·Wᵀ + b; cannot quantise it.`);
      replaced++;
      return replacement(node, node.inputs[1]!, node.inputs[0]!, node.inputs[2]);
    }
    return node;
  });
  if (replaced === 0) throw new ModelLayoutError(path, `${path} has no transformer weight products to quantise; it is not a GPT-SoVITS decoder graph.`);
  fuseBiasAdds(editor, (name) => dims.get(name)?.length === 1);
  editor.useOpset('com.microsoft', 1);
  editor.prune();
  return editor.toBytes();
}
