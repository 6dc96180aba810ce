/*
 * int8 weights for the GPT-SoVITS decoders, made at load time: each transformer layer's four weight
 * products (in_proj, out_proj, linear1, linear2: 75 M of the 77 M parameters) become onnxruntime's
 * DynamicQuantizeMatMul, with the weights quantised symmetrically per output channel and the activations
 * quantised per call. A decoder step reads every weight once, so it is bound by memory traffic: int8 reads
 * a quarter of the bytes. The logits projection, embeddings and norms stay float32.
 */
import { ModelLayoutError } from './ModelLayoutError.ts';
import { addInitializer, ELEMENT, intAttribute, OnnxModelEditor, type EditorNode } from './OnnxModelEditor.ts';
import { readOnnxModelInfo } from './OnnxModelInfo.ts';

export interface QuantizedWeight {
  /** [in, out]: the transpose of PyTorch's [out, in], as the MatMul reads it. */
  readonly values: Int8Array;
  /** One scale per output channel. */
  readonly scales: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

const QUANTISED = /^transformer_encoder\.layers\.\d+\.(self_attn\.in_proj_weight|self_attn\.out_proj\.weight|linear1\.weight|linear2\.weight)$/;

/** Symmetric per-output-channel int8 of a PyTorch Linear weight [out, in]. */
export function quantizeLinearWeight(weight: Float32Array, outFeatures: number, inFeatures: number): QuantizedWeight {
  const values = new Int8Array(outFeatures * inFeatures);
  const scales = new Float32Array(outFeatures);
  for (let o = 0; o < outFeatures; o++) {
    let peak = 0;
    const row = o * inFeatures;
    for (let i = 0; i < inFeatures; i++) peak = Math.max(peak, Math.abs(weight[row + i]!));
    const scale = peak > 0 ? peak / 127 : 1;
    scales[o] = scale;
    for (let i = 0; i < inFeatures; i++) values[i * outFeatures + o] = Math.round(weight[row + i]! / scale);
  }
  return { values, scales, inFeatures, outFeatures };
}

/**
 * Folds `Add(bias, DynamicQuantizeMatMul(…))` into the operator's bias input: one node fewer per
 * product, and per-node overhead is a large part of a one-token step.
 */
function fuseBiasAdds(editor: OnnxModelEditor, isVector: (name: string) => boolean): void {
  const consumers = new Map<string, EditorNode[]>();
  for (const node of editor.nodes) for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  const graphOutputs = new Set(editor.outputs.map((o) => o.name));
  const fused = new Map<EditorNode, EditorNode>();
  const dropped = new Set<EditorNode>();
  for (const node of editor.nodes) {
    if (node.opType !== 'DynamicQuantizeMatMul' || node.inputs.length !== 3) continue;
    const product = node.outputs[0]!;
    const users = consumers.get(product) ?? [];
    const add = users[0];
    if (users.length !== 1 || add === undefined || add.opType !== 'Add' || graphOutputs.has(product)) continue;
    const bias = add.inputs.find((i) => i !== product);
    if (bias === undefined || !isVector(bias)) continue;
    fused.set(node, { ...node, inputs: [...node.inputs, '', bias], outputs: add.outputs });
    dropped.add(add);
  }
  editor.nodes = editor.nodes.filter((n) => !dropped.has(n)).map((n) => fused.get(n) ?? n);
}

/**
 * Rewrites a decoder graph's transformer weight products to int8. `weightOf` returns an external
 * initializer's float32 values; `cache` shares the quantised weights between the two decoders.
 */
export function quantizeDecoderWeights(model: Uint8Array, path: string, weightOf: (name: string) => Float32Array, cache: Map<string, QuantizedWeight>): Uint8Array {
  const info = readOnnxModelInfo(model);
  const dims = new Map(info.externalInitializers.map((i) => [i.name, i.dims]));
  const editor = new OnnxModelEditor(model);
  const producer = new Map<string, EditorNode>();
  for (const node of editor.nodes) for (const o of node.outputs) producer.set(o, node);
  const added = new Set<string>();

  /** DynamicQuantizeMatMul in place of `input·Wᵀ (+ bias)` for the weight `name`. */
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
      addInitializer(editor, values, ELEMENT.int8, [inFeatures, outFeatures], new Uint8Array(q.values.buffer, q.values.byteOffset, q.values.byteLength));
      addInitializer(editor, scales, ELEMENT.float32, [outFeatures], new Uint8Array(q.scales.buffer, q.scales.byteOffset, q.scales.byteLength));
    }
    // Inputs: A, B, b_scale, b_zero_point (none: symmetric), bias.
    return { name: `${node.name}/int8`, opType: 'DynamicQuantizeMatMul', domain: 'com.microsoft', inputs: [input, values, scales, ...(bias === undefined ? [] : ['', bias])], outputs: node.outputs, attributes: [] };
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
