/*
 * A tiny GPT-SoVITS v2 model in the Genie-TTS layout, for tests: same file names, same graph input and
 * output names and ranks as the real graphs, weights stored the same way (float32 .bin for the encoder,
 * float16 files for the decoders, the vocoder and HuBERT). The numbers are tiny and scripted:
 *
 * - the decoders' logits for generated token t are row (X + P − 1 + t) of a script table, where X is the
 *   text length and P the prompt length (the row index is the KV-cache length, so the graphs need no
 *   state besides the caches, exactly like the real ones);
 * - the vocoder outputs 1280 samples per semantic token;
 * - HuBERT gives floor((N − 400) / 320) + 1 frames of 768 channels, like the real conv stack.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { float32ToFloat16Bytes } from '../../Float16.ts';
import { OnnxGraphBuilder, type ExternalPlacement } from './OnnxGraphBuilder.ts';

export const VOCAB = 1025;
export const EOS = 1024;

export interface TinyDecoderOptions {
  readonly layers: number;
  readonly width: number;
  /** Rows of the logits script; row r is used when the KV cache holds r + 1 rows. */
  readonly script: Float32Array;
  readonly rows: number;
  /** When set, the weights are external at these locations (float32 buffer = `shared`). */
  readonly external?: { readonly firstStage: string; readonly stage: string };
}

export interface TinyDecoders {
  readonly firstStage: Uint8Array;
  readonly stage: Uint8Array;
  /** The float32 buffer both decoders read their external weights from (same offsets). */
  readonly shared: Float32Array;
}

/** Logits script with every row favouring `token` by `margin`, to be edited per test. */
export function flatScript(rows: number, token: number, margin = 30): Float32Array {
  const script = new Float32Array(rows * VOCAB);
  for (let r = 0; r < rows; r++) script[r * VOCAB + token] = margin;
  return script;
}

export function setRow(script: Float32Array, row: number, token: number, margin = 30): void {
  script.fill(0, row * VOCAB, (row + 1) * VOCAB);
  script[row * VOCAB + token] = margin;
}

function eye(n: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function transposeScript(script: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(rows * VOCAB);
  for (let r = 0; r < rows; r++) for (let v = 0; v < VOCAB; v++) out[v * rows + r] = script[r * VOCAB + v]!;
  return out;
}

export function buildTinyDecoders(options: TinyDecoderOptions): TinyDecoders {
  const { layers, width, rows } = options;
  const weights: Array<{ name: string; dims: number[]; data: Float32Array }> = [
    { name: 'ar_audio_embedding.word_embeddings.weight', dims: [VOCAB, width], data: Float32Array.from({ length: VOCAB * width }, (_, i) => ((i * 7919) % 97) / 97 - 0.5) },
    { name: 'ar_predict_layer.weight', dims: [VOCAB, rows], data: transposeScript(options.script, rows) },
    { name: 'position_onehot', dims: [rows, rows], data: eye(rows) },
  ];
  const shared = new Float32Array(weights.reduce((n, w) => n + w.data.length, 0));
  const placements: number[] = [];
  let offset = 0;
  for (const w of weights) {
    shared.set(w.data, offset);
    placements.push(offset * 4);
    offset += w.data.length;
  }
  const addWeights = (g: OnnxGraphBuilder, location: string | undefined): void => {
    weights.forEach((w, i) => {
      const external: ExternalPlacement | undefined = location === undefined ? undefined : { location, offset: placements[i]! };
      g.initializer(w.name, w.dims, w.data, external);
    });
  };
  const logitsFor = (g: OnnxGraphBuilder, cacheLength: string, minus: number): string => {
    const row = minus === 0 ? cacheLength : g.op('Sub', [cacheLength, g.constant([minus])]);
    const h = g.op('Gather', ['position_onehot', row], { axis: 0 });
    const wT = g.op('Transpose', ['ar_predict_layer.weight'], { perm: [1, 0] }, undefined, '/ar_predict_layer/Transpose');
    return g.op('MatMul', [h, wT], {}, '/ar_predict_layer/MatMul_output_0', '/ar_predict_layer/MatMul');
  };

  // First-stage decoder (prefill).
  const f = new OnnxGraphBuilder();
  f.input('x', 'float32', [1, 'x_length', width]);
  f.input('prompts', 'int64', [1, 'prompts_length']);
  addWeights(f, options.external?.firstStage);
  const promptEmb = f.op('Gather', ['ar_audio_embedding.word_embeddings.weight', 'prompts'], { axis: 0 }, 'y_emb');
  const kv = f.op('Concat', [f.op('Transpose', ['x'], { perm: [1, 0, 2] }), f.op('Transpose', [promptEmb], { perm: [1, 0, 2] })], { axis: 0 });
  const kvLength = f.op('Gather', [f.op('Shape', [kv]), f.constant([0])], { axis: 0 });
  const firstLogits = logitsFor(f, kvLength, 1);
  const firstSample = f.op('ArgMax', [firstLogits], { axis: -1, keepdims: 1 });
  f.op('Concat', ['prompts', firstSample], { axis: 1 }, 'y');
  f.output('y', 'int64', [1, 'y_length']);
  f.output('y_emb', 'float32', [1, 'prompts_length', width]);
  for (let i = 0; i < layers; i++) {
    f.op('Identity', [kv], {}, `present_k_layer_${i}`);
    f.op('Neg', [kv], {}, `present_v_layer_${i}`);
    f.output(`present_k_layer_${i}`, 'float32', ['past_sequence_len', 1, width]);
    f.output(`present_v_layer_${i}`, 'float32', ['past_sequence_len', 1, width]);
  }

  // Stage decoder (one step).
  const s = new OnnxGraphBuilder();
  s.input('iy', 'int64', [1, 'iy_length']);
  s.input('iy_emb', 'float32', [1, 'iy_emb_length', width]);
  for (let i = 0; i < layers; i++) {
    s.input(`past_k_layer_${i}`, 'float32', ['past_sequence_len', 1, width]);
    s.input(`past_v_layer_${i}`, 'float32', ['past_sequence_len', 1, width]);
  }
  addWeights(s, options.external?.stage);
  const last = s.op('Slice', ['iy', s.constant([-1]), s.constant([2 ** 40]), s.constant([1])]);
  const lastEmb = s.op('Gather', ['ar_audio_embedding.word_embeddings.weight', last], { axis: 0 });
  s.op('Concat', ['iy_emb', lastEmb], { axis: 1 }, 'y_emb');
  const newRow = s.op('Transpose', [lastEmb], { perm: [1, 0, 2] });
  for (let i = 0; i < layers; i++) {
    s.op('Concat', [`past_k_layer_${i}`, newRow], { axis: 0 }, `present_k_layer_${i}`);
    s.op('Concat', [`past_v_layer_${i}`, s.op('Neg', [newRow])], { axis: 0 }, `present_v_layer_${i}`);
  }
  const pastLength = s.op('Gather', [s.op('Shape', ['past_k_layer_0']), s.constant([0])], { axis: 0 });
  const stepLogits = s.op('Unsqueeze', [logitsFor(s, pastLength, 0), s.constant([0])]); // [1,1,V] like the real graph
  const sample = s.op('ArgMax', [stepLogits], { axis: -1, keepdims: 0 });
  s.op('Concat', ['iy', sample], { axis: 1 }, 'y');
  s.op('Reshape', [s.op('Equal', [sample, s.constant([EOS])]), s.constant([], [0])], {}, 'stop_condition_tensor');
  s.output('y', 'int64', [1, 'y_length']);
  s.output('y_emb', 'float32', [1, 'y_emb_length', width]);
  s.output('stop_condition_tensor', 'bool', []);
  for (let i = 0; i < layers; i++) {
    s.output(`present_k_layer_${i}`, 'float32', ['past_sequence_len', 1, width]);
    s.output(`present_v_layer_${i}`, 'float32', ['past_sequence_len', 1, width]);
  }
  return { firstStage: f.toBytes(), stage: s.toBytes(), shared };
}

export interface TinyModelOptions {
  readonly layers?: number;
  readonly width?: number;
  readonly rows?: number;
  readonly script: Float32Array;
  /** Skip writing these files (to test detection of incomplete folders). */
  readonly omit?: readonly string[];
  /** Where to put HuBERT: 'inside' the model folder (default) or a sibling 'chinese-hubert-base' folder. */
  readonly hubert?: 'inside' | 'sibling';
}

/** Writes a complete tiny Genie v2 model folder at `directory`. */
export function writeTinyGenieModel(directory: string, options: TinyModelOptions): void {
  const layers = options.layers ?? 2;
  const width = options.width ?? 8;
  const rows = options.rows ?? Math.floor(options.script.length / VOCAB);
  mkdirSync(directory, { recursive: true });
  const files = new Map<string, Uint8Array>();

  // Encoder: x = phone embedding of [ref ; text]; prompts = channel argmax of 2-frame max-pooled SSL.
  const e = new OnnxGraphBuilder();
  e.input('ref_seq', 'int64', [1, 'ref_length']);
  e.input('text_seq', 'int64', [1, 'text_length']);
  e.input('ref_bert', 'float32', ['ref_length', 1024]);
  e.input('text_bert', 'float32', ['text_length', 1024]);
  e.input('ssl_content', 'float32', [1, 768, 'ssl_length']);
  const phoneEmbedding = Float32Array.from({ length: 732 * width }, (_, i) => ((i * 31) % 17) / 17);
  e.initializer('encoder.ar_text_embedding.word_embeddings.weight', [732, width], phoneEmbedding, { location: 't2s_encoder_fp32.bin', offset: 0 });
  e.op('Gather', ['encoder.ar_text_embedding.word_embeddings.weight', e.op('Concat', ['ref_seq', 'text_seq'], { axis: 1 })], { axis: 0 }, 'x');
  e.op('ArgMax', [e.op('MaxPool', ['ssl_content'], { kernel_shape: [2], strides: [2] })], { axis: 1, keepdims: 0 }, 'prompts');
  e.output('x', 'float32', ['Addx_dim_0', 'Addx_dim_1', 'Addx_dim_2']);
  e.output('prompts', 'int64', [1, 'prompts_length']);
  files.set('t2s_encoder_fp32.onnx', e.toBytes());
  files.set('t2s_encoder_fp32.bin', new Uint8Array(phoneEmbedding.buffer));

  const decoders = buildTinyDecoders({ layers, width, rows, script: options.script, external: { firstStage: 't2s_first_stage_decoder_fp32_weights.bin', stage: 't2s_stage_decoder_fp32_weights.bin' } });
  files.set('t2s_first_stage_decoder_fp32.onnx', decoders.firstStage);
  files.set('t2s_stage_decoder_fp32.onnx', decoders.stage);
  files.set('t2s_shared_fp16.bin', float32ToFloat16Bytes(decoders.shared));

  // Vocoder: 1280 samples per token, value = table[token] (ref_audio accepted, unused).
  const v = new OnnxGraphBuilder();
  v.input('text_seq', 'int64', [1, 'text_length']);
  v.input('pred_semantic', 'int64', [1, 1, 'pred_length']);
  v.input('ref_audio', 'float32', [1, 'audio_length']);
  const level = Float32Array.from({ length: VOCAB }, (_, i) => ((i % 9) - 4) / 10);
  v.initializer('dec.level', [VOCAB, 1], level, { location: 'vits_fp32.bin', offset: 0 });
  const perToken = v.op('Tile', [v.op('Gather', ['dec.level', 'pred_semantic'], { axis: 0 }), v.constant([1, 1, 1, 1280])]);
  v.op('Reshape', [perToken, v.constant([-1])], {}, 'audio');
  v.output('audio', 'float32', ['Gatheraudio_dim_0']);
  files.set('vits_fp32.onnx', v.toBytes());
  files.set('vits_fp16.bin', float32ToFloat16Bytes(level));

  const hubertDir = options.hubert === 'sibling' ? join(directory, '..', 'chinese-hubert-base') : directory;
  for (const [name, bytes] of files) if (!(options.omit ?? []).includes(name)) writeFileSync(join(directory, name), bytes);
  writeTinyHubert(hubertDir, options.omit ?? []);
}

/**
 * A HuBERT stand-in with the real interface: `input_values` [1, N] at 16 kHz → [1, 768, frames] with
 * frames = floor((N − 400) / 320) + 1 (one 400-sample, stride-320 conv), weights in a float16 file.
 */
export function writeTinyHubert(directory: string, omit: readonly string[] = []): void {
  mkdirSync(directory, { recursive: true });
  const h = new OnnxGraphBuilder();
  h.input('input_values', 'float32', [1, 'sequence_length']);
  const kernel = Float32Array.from({ length: 768 * 400 }, (_, i) => Math.sin(i * 0.37) * 0.05);
  h.initializer('feature_extractor.conv.weight', [768, 1, 400], kernel, { location: 'chinese-hubert-base_weights.bin', offset: 0 });
  h.op('Conv', [h.op('Unsqueeze', ['input_values', h.constant([1])]), 'feature_extractor.conv.weight'], { strides: [320] }, 'last_hidden_state');
  h.output('last_hidden_state', 'float32', [1, 768, 'frames']);
  if (!omit.includes('chinese-hubert-base.onnx')) writeFileSync(join(directory, 'chinese-hubert-base.onnx'), h.toBytes());
  if (!omit.includes('chinese-hubert-base_weights_fp16.bin')) writeFileSync(join(directory, 'chinese-hubert-base_weights_fp16.bin'), float32ToFloat16Bytes(kernel));
}

/** Characters of the tiny RoBERTa vocabulary (after [PAD] [UNK] [CLS] [SEP]); anything else reads as [UNK]. */
export const TINY_ROBERTA_CHARACTERS = [...'你好世界欢迎来到直播间谢大家今天的很精彩主一起玩游戏我', ',', '.', '!', '?', '…', '-'];

/**
 * How a RoBERTa export lays out its output (Genie's loader accepts all three): one row per token
 * ([CLS] … [SEP]), one per character, or one per phone (the graph takes `repeats`).
 */
export type TinyRobertaLayout = 'tokens' | 'characters' | 'phones';

/**
 * A RoBERTa stand-in with the real interface: the row of token id v is v + 1 in every one of its 1024
 * columns, so a test can tell which token's features landed on which phone. Writes `model.onnx` and
 * `tokenizer.json` (WordPiece, Hugging Face format) into `directory`.
 */
export function writeTinyRoberta(directory: string, layout: TinyRobertaLayout = 'tokens'): void {
  mkdirSync(directory, { recursive: true });
  const vocabulary = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', ...TINY_ROBERTA_CHARACTERS];
  const g = new OnnxGraphBuilder();
  const ids = g.input('input_ids', 'int64', [1, 'tokens']);
  const mask = g.input('attention_mask', 'int64', [1, 'tokens']);
  const table = Float32Array.from({ length: vocabulary.length * 1024 }, (_, i) => Math.floor(i / 1024) + 1);
  g.initializer('embeddings.word_embeddings.weight', [vocabulary.length, 1024], table);
  // Multiply by the mask (all ones) so the input is used, as a real export's is.
  const maskColumn = g.op('Unsqueeze', [g.op('Cast', [mask], { to: 1 }), g.constant([2])]);
  let rows = g.op('Mul', [g.op('Gather', ['embeddings.word_embeddings.weight', ids], { axis: 0 }), maskColumn]);
  if (layout === 'tokens') {
    const types = g.input('token_type_ids', 'int64', [1, 'tokens']);
    rows = g.op('Add', [rows, g.op('Unsqueeze', [g.op('Cast', [types], { to: 1 }), g.constant([2])])]);
  } else {
    // Drop [CLS] and [SEP].
    rows = g.op('Slice', [rows, g.constant([1]), g.constant([-1]), g.constant([1])]);
  }
  if (layout === 'phones') {
    // Row c repeated repeats[c] times: index of phone p = number of cumulative ends ≤ p.
    const repeats = g.input('repeats', 'int64', ['characters']);
    const ends = g.op('CumSum', [repeats, g.constant([0])]);
    const total = g.op('ReduceSum', [repeats, g.constant([0])], { keepdims: 1 });
    const zero = g.op('Squeeze', [g.constant([0]), g.constant([0])]);
    const one = g.op('Squeeze', [g.constant([1]), g.constant([0])]);
    const positions = g.op('Range', [zero, g.op('Squeeze', [total, g.constant([0])]), one]);
    const passed = g.op('LessOrEqual', [g.op('Unsqueeze', [ends, g.constant([0])]), g.op('Unsqueeze', [positions, g.constant([1])])]);
    const index = g.op('ReduceSum', [g.op('Cast', [passed], { to: 7 }), g.constant([1])], { keepdims: 0 });
    rows = g.op('Gather', [rows, index], { axis: 1 });
  }
  g.op('Identity', [rows], {}, 'hidden_states');
  g.output('hidden_states', 'float32', [1, 'rows', 1024]);
  writeFileSync(join(directory, 'model.onnx'), g.toBytes(17));
  const tokenizer = { version: '1.0', model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab: Object.fromEntries(vocabulary.map((t, i) => [t, i])) } };
  writeFileSync(join(directory, 'tokenizer.json'), JSON.stringify(tokenizer));
}
