/*
 * Rewrites the Genie stage decoder (one autoregressive step) so its KV caches are never copied.
 *
 * As exported, every step of every layer concatenates the whole cache with the new row (present_k =
 * Concat(past_k, k)), transposes it to heads-first twice (K and V), scales all of K, and onnxruntime-node
 * then copies all 48 caches out into new JS buffers: about 28 % of a step on this machine
 * (genie-bench.md). After the rewrite each layer takes its caches as inputs already laid out the way the
 * attention MatMuls read them, with spare capacity at the end:
 *
 *   k_cache_i [1, heads, headDim, capacity]   (keys transposed: q·Kᵀ is one batched MatMul)
 *   v_cache_i [1, heads, capacity, headDim]
 *   cache_mask [1, 1, 1, capacity]            (0 for filled rows, −1e9 for the spare ones)
 *
 * and attends to the cache and to the new row separately (softmax over [new ; cache]), so nothing of
 * cache size is written. The new rows come out as k_new_i / v_new_i [1, 1, width]; the caller writes
 * them into its cache buffers (InPlaceKvCache). The arithmetic is that of the original graph; only the
 * order of the softmax terms changes. Reshapes and shape arithmetic that only serve a one-row query are
 * replaced by constants too: with ~1,600 small nodes a step, per-node overhead was a third of it.
 */
import { ModelLayoutError } from './ModelLayoutError.ts';
import { addInitializer, attribute, ELEMENT, int64Bytes, OnnxModelEditor, tensorValueInfo, type EditorNode } from './OnnxModelEditor.ts';

export const CACHE_MASK_INPUT = 'cache_mask';
export const kCacheInput = (layer: number): string => `k_cache_${layer}`;
export const vCacheInput = (layer: number): string => `v_cache_${layer}`;
export const kNewOutput = (layer: number): string => `k_new_${layer}`;
export const vNewOutput = (layer: number): string => `v_new_${layer}`;

/** GPT-SoVITS v2's text-to-semantic transformer: 16 heads of 32 (s1 config num_head 16, 512 wide). */
export const ATTENTION_HEADS = 16;

const REWRITTEN = ['Slice', 'Slice_1', 'Slice_2', 'Concat', 'Concat_1', 'MatMul_2', 'Reshape_3', 'Gemm', 'Transpose_6'];
const attentionNodes = (layer: number): string[] => REWRITTEN.map((n) => `/transformer_encoder/layers.${layer}/self_attn/${n}`);

export function canRewriteStageAttention(model: Uint8Array, layerCount: number, width: number): boolean {
  if (width % ATTENTION_HEADS !== 0) return false;
  const names = new Set(new OnnxModelEditor(model).nodes.map((n) => n.name));
  for (let layer = 0; layer < layerCount; layer++) if (!attentionNodes(layer).every((n) => names.has(n))) return false;
  return true;
}

export function rewriteStageAttention(model: Uint8Array, layerCount: number, width: number, path: string): Uint8Array {
  const editor = new OnnxModelEditor(model);
  const heads = ATTENTION_HEADS;
  const headDim = width / heads;
  const find = (name: string): EditorNode => {
    const node = editor.node(name);
    if (node === undefined) throw new ModelLayoutError(path, `The stage decoder has no node ${name}: it is not the Genie GPT-SoVITS v2 graph the in-place KV cache rewrite expects. Set the decoder's kvCache option to 'graph'.`);
    return node;
  };
  const constant = (name: string, values: readonly number[]): string => {
    addInitializer(editor, name, ELEMENT.int64, [values.length], int64Bytes(values));
    return name;
  };
  const kRowShape = constant('rewrite/k_row_shape', [1, heads, headDim, 1]);
  const headsShape = constant('rewrite/heads_shape', [1, heads, 1, headDim]);
  const flatShape = constant('rewrite/flat_shape', [1, width]);
  const rowShape = constant('rewrite/row_shape', [1, 1, width]);
  const [zero, one, end] = [constant('rewrite/zero', [0]), constant('rewrite/one', [1]), constant('rewrite/end', [2 ** 53 - 1])];
  const [axis2, axis3] = [constant('rewrite/axis2', [2]), constant('rewrite/axis3', [3])];
  const bounds = [0, 1, 2, 3].map((i) => constant(`rewrite/at_${i}`, [i * width]));
  const scale = 'rewrite/scale';
  addInitializer(editor, scale, ELEMENT.float32, [1], new Uint8Array(Float32Array.from([1 / Math.sqrt(headDim)]).buffer));

  const removedInputs = new Set<string>();
  const removedOutputs = new Set<string>();
  const newInputs: Uint8Array[] = [tensorValueInfo(CACHE_MASK_INPUT, ELEMENT.float32, [1, 1, 1, 'cache_capacity'])];
  const newOutputs: Uint8Array[] = [];
  for (let layer = 0; layer < layerCount; layer++) {
    const p = `/transformer_encoder/layers.${layer}/self_attn/`;
    const [concatK, concatV, qSlice, kSlice, vSlice, gemm] = ['Concat', 'Concat_1', 'Slice', 'Slice_1', 'Slice_2', 'Gemm'].map((n) => find(`${p}${n}`)) as [EditorNode, EditorNode, EditorNode, EditorNode, EditorNode, EditorNode];
    const qkv = qSlice.inputs[0]!; // [1, 1, 3 × width]: in_proj output, chunked into q, k, v
    const flat = find(`${p}Reshape_3`).outputs[0]!; // [1, width]: attention output, read by out_proj (Gemm)
    const projected = find(`${p}Transpose_6`).outputs[0]!; // [1, 1, width]: out_proj output, read by the residual Add
    find(`${p}MatMul_2`);
    if (concatK.inputs[0] !== `past_k_layer_${layer}` || concatV.inputs[0] !== `past_v_layer_${layer}` || kSlice.inputs[0] !== qkv || vSlice.inputs[0] !== qkv || gemm.inputs[0] !== flat) {
      throw new ModelLayoutError(path, `The stage decoder's layer ${layer} is not wired as the Genie GPT-SoVITS v2 export (qkv → Slice → Concat with past_k_layer_${layer} → … → Gemm). Set the decoder's kvCache option to 'graph'.`);
    }
    const kCache = kCacheInput(layer);
    const vCache = vCacheInput(layer);
    removedInputs.add(`past_k_layer_${layer}`).add(`past_v_layer_${layer}`);
    removedOutputs.add(`present_k_layer_${layer}`).add(`present_v_layer_${layer}`);
    newInputs.push(tensorValueInfo(kCache, ELEMENT.float32, [1, heads, headDim, 'cache_capacity']));
    newInputs.push(tensorValueInfo(vCache, ELEMENT.float32, [1, heads, 'cache_capacity', headDim]));
    newOutputs.push(tensorValueInfo(kNewOutput(layer), ELEMENT.float32, [1, 1, width]));
    newOutputs.push(tensorValueInfo(vNewOutput(layer), ELEMENT.float32, [1, 1, width]));
    // Replaced: the q/k/v split (computed from shapes at run time), the head reshapes and transposes,
    // the scale computed from shapes, and the reshapes/transposes around out_proj. prune() drops the rest.
    editor.nodes = editor.nodes.filter((n) => n !== qSlice && n !== kSlice && n !== vSlice && n.outputs[0] !== flat && n.outputs[0] !== projected);

    const r = `/rewrite/layers.${layer}/`;
    const node = (opType: string, inputs: string[], output: string, attributes: Uint8Array[] = []): string => {
      editor.nodes.push({ name: `${r}${opType}_${output.split('/').at(-1)}`, opType, domain: '', inputs, outputs: [output], attributes });
      return output;
    };
    const qRow = node('Slice', [qkv, bounds[0]!, bounds[1]!, axis2], `${r}q_row`);
    const k = node('Slice', [qkv, bounds[1]!, bounds[2]!, axis2], kNewOutput(layer));
    const v = node('Slice', [qkv, bounds[2]!, bounds[3]!, axis2], vNewOutput(layer));
    const q = node('Mul', [node('Reshape', [qRow, headsShape], `${r}q_heads`), scale], `${r}q`);
    const cacheScores = node('Add', [node('MatMul', [q, kCache], `${r}cache_scores_raw`), CACHE_MASK_INPUT], `${r}cache_scores`);
    const newScore = node('MatMul', [q, node('Reshape', [k, kRowShape], `${r}k_row`)], `${r}new_score`);
    const weights = node('Softmax', [node('Concat', [newScore, cacheScores], `${r}scores`, [attribute.int('axis', 3)])], `${r}weights`, [attribute.int('axis', 3)]);
    const newWeight = node('Slice', [weights, zero, one, axis3], `${r}new_weight`);
    const cacheWeights = node('Slice', [weights, one, end, axis3], `${r}cache_weights`);
    const fromCache = node('MatMul', [cacheWeights, vCache], `${r}from_cache`);
    const fromNew = node('Mul', [newWeight, node('Reshape', [v, headsShape], `${r}v_heads`)], `${r}from_new`);
    // One query row: heads-first [1, heads, 1, headDim] and [1, width] hold the same bytes.
    node('Reshape', [node('Add', [fromCache, fromNew], `${r}attended`), flatShape], flat);
    node('Reshape', [gemm.outputs[0]!, rowShape], projected);
  }
  editor.inputs = [...editor.inputs.filter((i) => !removedInputs.has(i.name)), ...newInputs.map((bytes, i) => ({ name: i === 0 ? CACHE_MASK_INPUT : i % 2 === 1 ? kCacheInput((i - 1) >> 1) : vCacheInput((i - 1) >> 1), bytes }))];
  editor.outputs = [...editor.outputs.filter((o) => !removedOutputs.has(o.name)), ...newOutputs.map((bytes, i) => ({ name: i % 2 === 0 ? kNewOutput(i >> 1) : vNewOutput(i >> 1), bytes }))];
  editor.prune();
  return editor.toBytes();
}
