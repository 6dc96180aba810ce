/*
 * Full-size stand-ins for the two encoders GPT-SoVITS runs beside its own graphs, with seeded random
 * weights: the Chinese HuBERT (chinese-hubert-base, run once per voice at registration) and the Chinese
 * RoBERTa (chinese-roberta-wwm-ext-large, run once per Chinese sentence for its BERT features). No real
 * weights are available, and compute cost does not depend on weight values, so these graphs give honest
 * timings and memory figures: every operator the real models run, at the real sizes.
 *
 * Weights are drawn from a small per-tensor pool (fast to fill hundreds of MB): N(0, 1/fan_in)-ish for
 * matrices and convolutions, ~1 for norm gains, small for biases and embeddings, so activations stay
 * finite through all layers. Linear weights are stored [in, out] for MatMul, as torch.onnx.export does.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { float32ToFloat16Bytes } from '../../Float16.ts';
import { SeededRandom } from '../../SeededRandom.ts';
import { OnnxGraphBuilder } from './OnnxGraphBuilder.ts';

/** File names of the HuBERT model in the Genie layout (ModelLayout.ts reads them). */
export const HUBERT_FILES = {
  graph: 'chinese-hubert-base.onnx',
  /** The location the graph names: float32 offsets, as the Genie converter writes them. */
  weightsLocation: 'chinese-hubert-base_weights.bin',
  /** What is on disk instead: the same values as float16, widened by the loader. */
  weights: 'chinese-hubert-base_weights_fp16.bin',
} as const;

/** File names of the RoBERTa folder, as a Hugging Face ONNX export lays them out. */
export const ROBERTA_FILES = { graph: 'model.onnx', weights: 'model.onnx.data', tokenizer: 'tokenizer.json' } as const;

/** Token ids of BERT-Chinese's special tokens. */
export const ROBERTA_SPECIAL_TOKENS = { '[PAD]': 0, '[UNK]': 100, '[CLS]': 101, '[SEP]': 102, '[MASK]': 103 } as const;
export const ROBERTA_VOCAB_SIZE = 21128;
export const ROBERTA_WIDTH = 1024;
export const HUBERT_WIDTH = 768;

const HUBERT = {
  convChannels: 512,
  kernels: [10, 3, 3, 3, 3, 2, 2],
  strides: [5, 2, 2, 2, 2, 2, 2],
  positionKernel: 128,
  positionGroups: 16,
  layers: 12,
  layer: { width: HUBERT_WIDTH, heads: 12, feedForward: 3072, epsilon: 1e-5 },
} as const;

const ROBERTA = {
  maxPositions: 512,
  tokenTypes: 2,
  /*
   * BERT-large has 24 layers, but GPT-SoVITS uses hidden_states[-3]: the embeddings are hidden_states[0],
   * so [-3] of 25 is [22], the output of layer 22. Layers 23 and 24 cannot affect it and are left out,
   * as an export that slices to layer −3 leaves them out.
   */
  layers: 22,
  layer: { width: ROBERTA_WIDTH, heads: 16, feedForward: 4096, epsilon: 1e-12 },
  /** BERT's additive mask value for padded keys. */
  maskValue: -10000,
} as const;

/** The values of one tensor: uniform around `mean` with standard deviation `std`. */
interface Spread {
  readonly mean: number;
  readonly std: number;
}

const POOL = 4096;
const GAIN: Spread = { mean: 1, std: 0.02 };
const SMALL: Spread = { mean: 0, std: 0.02 };

/**
 * Adds initializers to a graph as external data, one after another in one file, and writes their values
 * to that file as it goes (so only one tensor is in memory at a time). Offsets in the graph are float32
 * offsets; with `float16` storage the file holds the same values as halves (the Genie convention).
 */
class ExternalWeights {
  readonly #graph: OnnxGraphBuilder;
  readonly #location: string;
  readonly #storage: 'float32' | 'float16';
  readonly #random: SeededRandom;
  readonly #fd: number;
  #offset = 0;

  constructor(graph: OnnxGraphBuilder, location: string, file: string, storage: 'float32' | 'float16', seed: number) {
    this.#graph = graph;
    this.#location = location;
    this.#storage = storage;
    this.#random = new SeededRandom(seed);
    this.#fd = openSync(file, 'w');
  }

  add(name: string, dims: readonly number[], spread: Spread): string {
    const values = this.#values(dims.reduce((a, b) => a * b, 1), spread);
    this.#graph.initializer(name, dims, values, { location: this.#location, offset: this.#offset });
    writeSync(this.#fd, this.#storage === 'float16' ? float32ToFloat16Bytes(values) : new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.#offset += values.byteLength;
    return name;
  }

  /** A weight whose fan-in is `fanIn` (a matrix's input width, a convolution's in-channels × kernel). */
  weight(name: string, dims: readonly number[], fanIn: number): string {
    return this.add(name, dims, { mean: 0, std: 1 / Math.sqrt(fanIn) });
  }

  close(): void {
    closeSync(this.#fd);
  }

  #values(count: number, { mean, std }: Spread): Float32Array {
    const half = std * Math.sqrt(3);
    const pool = Float32Array.from({ length: POOL }, () => mean + (this.#random.next() * 2 - 1) * half);
    const out = new Float32Array(count);
    // xorshift32 picks pool entries: SeededRandom per value is several times slower over 300 M values.
    let state = (this.#random.next() * 0xffffffff) | 1;
    for (let i = 0; i < count; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out[i] = pool[state & (POOL - 1)]!;
    }
    return out;
  }
}

interface LayerShape {
  readonly width: number;
  readonly heads: number;
  readonly feedForward: number;
  readonly epsilon: number;
}

/** Names of one post-norm transformer layer's parameters (the two model families name them differently). */
interface LayerNames {
  readonly query: string;
  readonly key: string;
  readonly value: string;
  readonly attentionOutput: string;
  readonly attentionNorm: string;
  readonly feedForwardIn: string;
  readonly feedForwardOut: string;
  readonly outputNorm: string;
}

/** x·W + b over the last axis. */
function linear(g: OnnxGraphBuilder, w: ExternalWeights, prefix: string, x: string, inputs: number, outputs: number): string {
  const product = g.op('MatMul', [x, w.weight(`${prefix}.weight`, [inputs, outputs], inputs)]);
  return g.op('Add', [product, w.add(`${prefix}.bias`, [outputs], SMALL)]);
}

function layerNorm(g: OnnxGraphBuilder, w: ExternalWeights, prefix: string, x: string, width: number, epsilon: number): string {
  return g.op('LayerNormalization', [x, w.add(`${prefix}.weight`, [width], GAIN), w.add(`${prefix}.bias`, [width], SMALL)], { axis: -1, epsilon: { float: epsilon } });
}

/** Exact (erf) GELU as torch exports it; onnxruntime fuses the pattern into one Gelu kernel. */
function gelu(g: OnnxGraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.constant([Math.SQRT2], [], 'float32')])]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.constant([1], [], 'float32')])]), g.constant([0.5], [], 'float32')]);
}

/**
 * One post-norm encoder layer (BERT and wav2vec2/HuBERT-base alike): x = LN(x + Attention(x));
 * x = LN(x + FFN(x)). Plain MatMul/Softmax attention; `maskBias` [1, 1, 1, T] is added to the scores.
 */
function postNormLayer(g: OnnxGraphBuilder, w: ExternalWeights, names: LayerNames, x: string, shape: LayerShape, maskBias?: string): string {
  const { width, heads } = shape;
  const headWidth = width / heads;
  const splitHeads = (t: string, perm: readonly number[]): string => g.op('Transpose', [g.op('Reshape', [t, g.constant([0, 0, heads, headWidth])])], { perm });
  const q = splitHeads(linear(g, w, names.query, x, width, width), [0, 2, 1, 3]); // [1, H, T, d]
  const k = splitHeads(linear(g, w, names.key, x, width, width), [0, 2, 3, 1]); // [1, H, d, T]
  const v = splitHeads(linear(g, w, names.value, x, width, width), [0, 2, 1, 3]);
  let scores = g.op('Mul', [g.op('MatMul', [q, k]), g.constant([1 / Math.sqrt(headWidth)], [], 'float32')]);
  if (maskBias !== undefined) scores = g.op('Add', [scores, maskBias]);
  const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
  const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), g.constant([0, 0, width])]);
  const attended = layerNorm(g, w, names.attentionNorm, g.op('Add', [x, linear(g, w, names.attentionOutput, merged, width, width)]), width, shape.epsilon);
  const hidden = gelu(g, linear(g, w, names.feedForwardIn, attended, width, shape.feedForward));
  return layerNorm(g, w, names.outputNorm, g.op('Add', [attended, linear(g, w, names.feedForwardOut, hidden, shape.feedForward, width)]), width, shape.epsilon);
}

/**
 * Writes `chinese-hubert-base.onnx` and `chinese-hubert-base_weights_fp16.bin` (≈ 94 M parameters,
 * 189 MB) in the Genie layout: input `input_values` [1, N] float32 at 16 kHz, output
 * `last_hidden_state` already transposed to [1, 768, S] with S = floor((N − 400) / 320) + 1, which is
 * what the pipeline feeds to the encoder's `ssl_content`.
 */
export function writeRandomHubertBase(directory: string, seed = 1): void {
  mkdirSync(directory, { recursive: true });
  const g = new OnnxGraphBuilder();
  const w = new ExternalWeights(g, HUBERT_FILES.weightsLocation, join(directory, HUBERT_FILES.weights), 'float16', seed);
  try {
    g.input('input_values', 'float32', [1, 'sequence_length']);
    const { convChannels, layer } = HUBERT;

    // Feature extractor: 7 bias-free convolutions, GroupNorm with one group per channel (= instance
    // norm) after the first, GELU after each. Receptive field 400 samples, hop 320 (20 ms).
    let x = g.op('Unsqueeze', ['input_values', g.constant([1])]);
    let inChannels = 1;
    HUBERT.kernels.forEach((kernel, i) => {
      const weight = w.weight(`feature_extractor.conv_layers.${i}.conv.weight`, [convChannels, inChannels, kernel], inChannels * kernel);
      x = g.op('Conv', [x, weight], { kernel_shape: [kernel], strides: [HUBERT.strides[i]!] });
      if (i === 0) {
        const norm = 'feature_extractor.conv_layers.0.layer_norm';
        x = g.op('InstanceNormalization', [x, w.add(`${norm}.weight`, [convChannels], GAIN), w.add(`${norm}.bias`, [convChannels], SMALL)], { epsilon: { float: 1e-5 } });
      }
      x = gelu(g, x);
      inChannels = convChannels;
    });

    // Feature projection: [1, 512, S] → [1, S, 768].
    x = g.op('Transpose', [x], { perm: [0, 2, 1] });
    x = linear(g, w, 'feature_projection.projection', layerNorm(g, w, 'feature_projection.layer_norm', x, convChannels, layer.epsilon), convChannels, layer.width);

    // Convolutional position embedding: the real one is weight-normalised, which folds into one weight
    // at load time, so a plain weight costs the same. Padding 64 on a kernel of 128 gives S + 1 frames;
    // the last is dropped.
    const channelsPerGroup = layer.width / HUBERT.positionGroups;
    const positionWeight = w.weight('encoder.pos_conv_embed.conv.weight', [layer.width, channelsPerGroup, HUBERT.positionKernel], channelsPerGroup * HUBERT.positionKernel);
    const positionBias = w.add('encoder.pos_conv_embed.conv.bias', [layer.width], SMALL);
    const positionConv = g.op('Conv', [g.op('Transpose', [x], { perm: [0, 2, 1] }), positionWeight, positionBias], {
      kernel_shape: [HUBERT.positionKernel],
      pads: [HUBERT.positionKernel / 2, HUBERT.positionKernel / 2],
      group: HUBERT.positionGroups,
    });
    const trimmed = g.op('Slice', [positionConv, g.constant([0]), g.constant([-1]), g.constant([2])]);
    x = g.op('Add', [x, g.op('Transpose', [gelu(g, trimmed)], { perm: [0, 2, 1] })]);
    x = layerNorm(g, w, 'encoder.layer_norm', x, layer.width, layer.epsilon);

    for (let i = 0; i < HUBERT.layers; i++) {
      const p = `encoder.layers.${i}`;
      x = postNormLayer(g, w, {
        query: `${p}.attention.q_proj`,
        key: `${p}.attention.k_proj`,
        value: `${p}.attention.v_proj`,
        attentionOutput: `${p}.attention.out_proj`,
        attentionNorm: `${p}.layer_norm`,
        feedForwardIn: `${p}.feed_forward.intermediate_dense`,
        feedForwardOut: `${p}.feed_forward.output_dense`,
        outputNorm: `${p}.final_layer_norm`,
      }, x, layer);
    }
    g.op('Transpose', [x], { perm: [0, 2, 1] }, 'last_hidden_state');
    g.output('last_hidden_state', 'float32', [1, layer.width, 'frames']);
  } finally {
    w.close();
  }
  writeFileSync(join(directory, HUBERT_FILES.graph), g.toBytes());
}

/**
 * Writes a chinese-roberta-wwm-ext-large folder: `model.onnx` with its weights in `model.onnx.data`
 * (float32, ≈ 300 M parameters, 1.2 GB; onnxruntime reads it itself when the session is created from
 * the file path) and a WordPiece `tokenizer.json`. Inputs `input_ids`, `attention_mask`,
 * `token_type_ids` [1, T] int64; output `hidden_states` [1, T, 1024] = hidden_states[-3] of the real model.
 * `layers` < 22 gives the same interface at a fraction of the size (tests that check the structure, not the cost).
 */
export function writeRandomRobertaLarge(directory: string, seed = 2, layers: number = ROBERTA.layers): void {
  mkdirSync(directory, { recursive: true });
  const g = new OnnxGraphBuilder();
  const w = new ExternalWeights(g, ROBERTA_FILES.weights, join(directory, ROBERTA_FILES.weights), 'float32', seed);
  try {
    const { layer } = ROBERTA;
    for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) g.input(name, 'int64', [1, 'sequence_length']);

    const words = g.op('Gather', [w.add('embeddings.word_embeddings.weight', [ROBERTA_VOCAB_SIZE, layer.width], SMALL), 'input_ids'], { axis: 0 });
    const length = g.op('Gather', [g.op('Shape', ['input_ids']), g.constant([1], [])], { axis: 0 });
    const positionIds = g.op('Range', [g.constant([0], []), length, g.constant([1], [])]);
    const positions = g.op('Gather', [w.add('embeddings.position_embeddings.weight', [ROBERTA.maxPositions, layer.width], SMALL), positionIds], { axis: 0 });
    const types = g.op('Gather', [w.add('embeddings.token_type_embeddings.weight', [ROBERTA.tokenTypes, layer.width], SMALL), 'token_type_ids'], { axis: 0 });
    let x = g.op('Add', [g.op('Add', [words, positions]), types]);
    x = layerNorm(g, w, 'embeddings.LayerNorm', x, layer.width, layer.epsilon);

    // (1 − mask) × −10000 on the keys, broadcast over heads and queries: [1, 1, 1, T].
    const mask = g.op('Cast', [g.op('Unsqueeze', ['attention_mask', g.constant([1, 2])])], { to: 1 });
    const maskBias = g.op('Mul', [g.op('Sub', [g.constant([1], [], 'float32'), mask]), g.constant([ROBERTA.maskValue], [], 'float32')]);

    for (let i = 0; i < layers; i++) {
      const p = `encoder.layer.${i}`;
      x = postNormLayer(g, w, {
        query: `${p}.attention.self.query`,
        key: `${p}.attention.self.key`,
        value: `${p}.attention.self.value`,
        attentionOutput: `${p}.attention.output.dense`,
        attentionNorm: `${p}.attention.output.LayerNorm`,
        feedForwardIn: `${p}.intermediate.dense`,
        feedForwardOut: `${p}.output.dense`,
        outputNorm: `${p}.output.LayerNorm`,
      }, x, layer, maskBias);
    }
    g.op('Identity', [x], {}, 'hidden_states');
    g.output('hidden_states', 'float32', [1, 'sequence_length', layer.width]);
  } finally {
    w.close();
  }
  writeFileSync(join(directory, ROBERTA_FILES.graph), g.toBytes());
  writeFileSync(join(directory, ROBERTA_FILES.tokenizer), JSON.stringify(robertaTokenizer()));
}

/** Full-width and CJK punctuation a Chinese chat message uses. */
const CHINESE_PUNCTUATION = '，。！？、；：“”‘’（）《》…—·【】「」～';

/**
 * The vocabulary in id order, 21128 entries like BERT-Chinese's: [PAD], [unused1..99], [UNK], [CLS], [SEP],
 * [MASK], printable ASCII (no capitals: the normaliser lowercases), Chinese punctuation, every ideograph
 * of the original CJK Unified Ideographs block U+4E00–U+9FA5 (which holds all ~3,500 common Hanzi; the
 * later additions up to U+9FFF do not fit in 21128 beside the special tokens), then [unused100…] to fill.
 */
export function robertaVocabulary(): string[] {
  const vocabulary = ['[PAD]', ...Array.from({ length: 99 }, (_, i) => `[unused${i + 1}]`), '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  for (let c = 0x21; c <= 0x7e; c++) if (c < 0x41 || c > 0x5a) vocabulary.push(String.fromCharCode(c));
  vocabulary.push(...CHINESE_PUNCTUATION);
  for (let c = 0x4e00; c <= 0x9fa5; c++) vocabulary.push(String.fromCharCode(c));
  for (let n = 100; vocabulary.length < ROBERTA_VOCAB_SIZE; n++) vocabulary.push(`[unused${n}]`);
  return vocabulary;
}

/** A Hugging Face tokenizers file for BERT-Chinese's WordPiece set-up. */
function robertaTokenizer(): object {
  const special = (content: string, id: number): object => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const cls = ROBERTA_SPECIAL_TOKENS['[CLS]'];
  const sep = ROBERTA_SPECIAL_TOKENS['[SEP]'];
  const sequence = (id: 'A' | 'B', typeId: number): object => ({ Sequence: { id, type_id: typeId } });
  const token = (id: string, typeId: number): object => ({ SpecialToken: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.entries(ROBERTA_SPECIAL_TOKENS).map(([content, id]) => special(content, id)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [token('[CLS]', 0), sequence('A', 0), token('[SEP]', 0)],
      pair: [token('[CLS]', 0), sequence('A', 0), token('[SEP]', 0), sequence('B', 1), token('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(robertaVocabulary().map((entry, id) => [entry, id])),
    },
  };
}
