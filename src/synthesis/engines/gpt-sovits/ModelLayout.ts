import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelLayoutError } from './ModelLayoutError.ts';
import { OnnxParseError, readOnnxModelInfo, type OnnxModelInfo, type OnnxValueInfo } from './OnnxModelInfo.ts';

/*
 * Recognises a GPT-SoVITS v2 model as the Genie-TTS converter lays it out, by its file names and by the
 * input/output names and ranks of its graphs (read from the ONNX protobuf, before any session exists),
 * and says exactly where every weight byte comes from.
 *
 * Genie layout (facts from the converter; see models/README.md):
 *   t2s_encoder_fp32.onnx            + t2s_encoder_fp32.bin (float32)
 *   t2s_first_stage_decoder_fp32.onnx ┐ both graphs point at identical offsets of one float32 buffer,
 *   t2s_stage_decoder_fp32.onnx       ┘ stored on disk as t2s_shared_fp16.bin (float16)
 *   vits_fp32.onnx                   + vits_fp16.bin (float16)
 *   chinese-hubert-base.onnx         + chinese-hubert-base_weights_fp16.bin (float16), shared by all models
 */

/** Where the bytes of one external-data location of a graph come from. */
export interface WeightSource {
  /** The `location` the graph names. */
  readonly location: string;
  /** The file on disk that holds the data. */
  readonly file: string;
  /** float16 files are widened to float32 in memory; float32 files are used as they are. */
  readonly storage: 'float32' | 'float16';
  /** Bytes (as float32) the graph reads from this location: max(offset + length). */
  readonly requiredBytes: number;
}

export interface GraphFile {
  readonly path: string;
  readonly weights: readonly WeightSource[];
}

export interface DecoderGraphFile extends GraphFile {
  /** The tensor holding the raw (unsampled) logits; exposed as an extra output when loading. */
  readonly logitsTensor: string;
}

export interface GenieV2Layout {
  readonly kind: 'genie-v2';
  readonly directory: string;
  readonly encoder: GraphFile;
  readonly firstStageDecoder: DecoderGraphFile;
  readonly stageDecoder: DecoderGraphFile;
  readonly vits: GraphFile;
  readonly hubert: GraphFile & { readonly inputName: string };
  /** Number of transformer layers (one K and one V cache each). */
  readonly layerCount: number;
  /** Width of the KV caches and embeddings (512 for GPT-SoVITS v2). */
  readonly modelWidth: number;
  /** The optional Chinese RoBERTa (prosody features for Mandarin); absent → zeros, as GPT-SoVITS does for other languages. */
  readonly roberta?: RobertaFiles;
}

/** A Chinese RoBERTa (chinese-roberta-wwm-ext-large) exported to ONNX, and its tokenizer. */
export interface RobertaFiles {
  /** The graph; onnxruntime loads any external data file beside it itself. */
  readonly model: string;
  /** tokenizer.json (Hugging Face tokenizers) or vocab.txt. */
  readonly tokenizer: string;
}

export type ModelLayout = GenieV2Layout;

export interface DetectModelLayoutOptions {
  /** Folder or .onnx file of the Chinese HuBERT encoder; searched for beside the model when absent. */
  readonly hubertPath?: string;
  /**
   * Folder (or .onnx file) of the Chinese RoBERTa. When absent, a folder whose name starts with
   * "roberta" or "chinese-roberta" inside the model folder or beside it is used if there is one.
   */
  readonly robertaPath?: string;
}

export const GENIE_FILES = {
  encoder: 't2s_encoder_fp32.onnx',
  firstStageDecoder: 't2s_first_stage_decoder_fp32.onnx',
  stageDecoder: 't2s_stage_decoder_fp32.onnx',
  vits: 'vits_fp32.onnx',
  hubert: 'chinese-hubert-base.onnx',
} as const;

/** float16 files the Genie converter writes in place of the float32 locations the graphs name. */
const FLOAT16_SOURCES: Readonly<Record<string, string>> = {
  't2s_first_stage_decoder_fp32_weights.bin': 't2s_shared_fp16.bin',
  't2s_stage_decoder_fp32_weights.bin': 't2s_shared_fp16.bin',
  'vits_fp32.bin': 'vits_fp16.bin',
  'prompt_encoder_weights.bin': 'prompt_encoder_fp16.bin',
};

const GENIE_DOWNLOAD_HINT = 'See models/README.md for the files a GPT-SoVITS model folder needs.';

function readGraph(path: string): OnnxModelInfo {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ModelLayoutError(path, `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return readOnnxModelInfo(bytes, { withNodes: true });
  } catch (error) {
    if (error instanceof OnnxParseError) {
      throw new ModelLayoutError(path, `${path} is not a valid ONNX model (${error.message}); the download may be incomplete.`, { cause: error });
    }
    throw error;
  }
}

function describe(values: readonly OnnxValueInfo[]): string {
  return values.map((v) => v.name).join(', ') || '(none)';
}

function expectValues(path: string, what: 'inputs' | 'outputs', actual: readonly OnnxValueInfo[], expected: ReadonlyArray<readonly [string, number]>): void {
  for (const [name, rank] of expected) {
    const found = actual.find((v) => v.name === name);
    if (found === undefined) {
      throw new ModelLayoutError(path, `${basename(path)} has no ${what.slice(0, -1)} named "${name}" (it has: ${describe(actual)}). Expected the Genie-TTS converter's GPT-SoVITS v2 graph. ${GENIE_DOWNLOAD_HINT}`);
    }
    if (found.shape !== null && found.shape.length !== rank) {
      throw new ModelLayoutError(path, `${basename(path)}: ${what.slice(0, -1)} "${name}" has rank ${found.shape.length}, expected ${rank}. This graph is not the GPT-SoVITS v2 layout Chorus supports.`);
    }
  }
}

/** Counts present_k_layer_i / past_k_layer_i pairs and checks they are numbered 0..n-1 without gaps. */
function countLayers(path: string, values: readonly OnnxValueInfo[], prefix: 'present' | 'past'): number {
  let count = 0;
  while (values.some((v) => v.name === `${prefix}_k_layer_${count}`)) {
    if (!values.some((v) => v.name === `${prefix}_v_layer_${count}`)) {
      throw new ModelLayoutError(path, `${basename(path)} has ${prefix}_k_layer_${count} but no ${prefix}_v_layer_${count}.`);
    }
    count++;
  }
  if (count === 0) throw new ModelLayoutError(path, `${basename(path)} has no per-layer KV caches (${prefix}_k_layer_0 …). Expected the Genie-TTS converter's decoder graph. ${GENIE_DOWNLOAD_HINT}`);
  return count;
}

/** The raw logits: the output of the MatMul/Gemm that applies `ar_predict_layer`. */
function findLogitsTensor(path: string, info: OnnxModelInfo): string {
  const weightNames = new Set(info.externalInitializers.filter((i) => i.name.startsWith('ar_predict_layer.')).map((i) => i.name));
  // The weight may reach the MatMul through a Transpose.
  for (const node of info.nodes) {
    if (node.opType === 'Transpose' && node.inputs.some((i) => weightNames.has(i))) node.outputs.forEach((o) => weightNames.add(o));
  }
  const matmul = info.nodes.find((n) => (n.opType === 'MatMul' || n.opType === 'Gemm') && n.inputs.some((i) => weightNames.has(i)));
  if (matmul === undefined || matmul.outputs[0] === undefined) {
    throw new ModelLayoutError(path, `${basename(path)} has no ar_predict_layer (the logits projection); it is not a GPT-SoVITS decoder graph.`);
  }
  return matmul.outputs[0];
}

function weightSources(path: string, info: OnnxModelInfo, extraFloat16Candidates: readonly string[] = []): WeightSource[] {
  const directory = dirname(path);
  const required = new Map<string, number>();
  for (const init of info.externalInitializers) {
    if (init.length < 0) throw new ModelLayoutError(path, `${basename(path)}: initializer ${init.name} has no length for its external data.`);
    required.set(init.location, Math.max(required.get(init.location) ?? 0, init.offset + init.length));
  }
  const sources: WeightSource[] = [];
  for (const [location, requiredBytes] of required) {
    const direct = join(directory, location);
    if (existsSync(direct)) {
      const size = statSync(direct).size;
      if (size < requiredBytes) {
        throw new ModelLayoutError(direct, `${direct} is ${size} bytes but ${basename(path)} reads ${requiredBytes} bytes from it: the file is truncated or belongs to another model version.`);
      }
      sources.push({ location, file: direct, storage: 'float32', requiredBytes });
      continue;
    }
    const candidates = [FLOAT16_SOURCES[location], ...extraFloat16Candidates].filter((c): c is string => c !== undefined);
    const float16 = candidates.map((c) => join(directory, c)).find((c) => existsSync(c));
    if (float16 === undefined) {
      const wanted = [location, ...candidates].join(' or ');
      throw new ModelLayoutError(join(directory, candidates[0] ?? location), `Missing weights for ${basename(path)}: expected ${wanted} in ${directory}. ${GENIE_DOWNLOAD_HINT}`);
    }
    const size = statSync(float16).size;
    if (size * 2 !== requiredBytes) {
      throw new ModelLayoutError(float16, `${float16} holds ${size / 2} float16 values but ${basename(path)} needs ${requiredBytes / 4}: the weights and the graph come from different converter versions or model versions (only GPT-SoVITS v2 is supported).`);
    }
    sources.push({ location, file: float16, storage: 'float16', requiredBytes });
  }
  return sources;
}

function findHubert(directory: string, explicit: string | undefined): string {
  const candidates = explicit !== undefined
    ? [explicit.endsWith('.onnx') ? explicit : join(explicit, GENIE_FILES.hubert)]
    : [
        join(directory, GENIE_FILES.hubert),
        join(directory, 'chinese-hubert-base', GENIE_FILES.hubert),
        join(dirname(directory), 'chinese-hubert-base', GENIE_FILES.hubert),
        join(dirname(directory), GENIE_FILES.hubert),
      ];
  const found = candidates.map((c) => resolve(c)).find((c) => existsSync(c));
  if (found === undefined) {
    throw new ModelLayoutError(resolve(candidates[0]!), `The Chinese HuBERT encoder (${GENIE_FILES.hubert} with chinese-hubert-base_weights_fp16.bin) was not found. Looked in: ${candidates.map((c) => resolve(c)).join(', ')}. ${GENIE_DOWNLOAD_HINT}`);
  }
  return found;
}

/** Graph names of RoBERTa exports (Genie's own, then Hugging Face ONNX folders), in order of preference. */
const ROBERTA_MODELS = ['RoBERTa.onnx', 'model.onnx', 'model_fp16.onnx'];
const ROBERTA_FOLDER = /^(chinese-)?roberta/i;
const ROBERTA_TOKENIZERS = ['tokenizer.json', join('roberta_tokenizer', 'tokenizer.json'), 'vocab.txt'];

function robertaIn(folder: string): RobertaFiles | 'incomplete' | undefined {
  const names = readdirSync(folder);
  const model = ROBERTA_MODELS.find((m) => names.includes(m)) ?? names.filter((n) => n.endsWith('.onnx')).sort()[0];
  const tokenizer = ROBERTA_TOKENIZERS.find((t) => existsSync(join(folder, t)));
  if (model === undefined && tokenizer === undefined) return undefined;
  if (model === undefined || tokenizer === undefined) return 'incomplete';
  return { model: join(folder, model), tokenizer: join(folder, tokenizer) };
}

function findRoberta(directory: string, explicit: string | undefined): RobertaFiles | undefined {
  const expected = `a RoBERTa graph (${ROBERTA_MODELS.join(', ')} or another .onnx) and its tokenizer (${ROBERTA_TOKENIZERS.join(' or ')})`;
  if (explicit !== undefined) {
    const path = resolve(explicit);
    const folder = path.endsWith('.onnx') ? dirname(path) : path;
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ModelLayoutError(path, `The Chinese RoBERTa folder ${folder} does not exist.`);
    const found = robertaIn(folder);
    if (found === undefined || found === 'incomplete') throw new ModelLayoutError(path, `${folder} should hold ${expected}.`);
    return path.endsWith('.onnx') ? { ...found, model: path } : found;
  }
  // Only names that start like the model's own ("chinese-roberta-wwm-ext-large", Genie's "RoBERTa"): a
  // model folder in a shared parent such as /tmp must not pick up someone else's "my-roberta-test".
  const folders = [directory, dirname(directory)].flatMap((parent) =>
    readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory() && ROBERTA_FOLDER.test(e.name)).map((e) => join(parent, e.name)).sort(),
  );
  for (const folder of folders) {
    const found = robertaIn(folder);
    if (found === 'incomplete') throw new ModelLayoutError(folder, `${folder} looks like the Chinese RoBERTa but is incomplete: it should hold ${expected}. Remove the folder to run without it.`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Inspects `directory` and returns the model layout, or throws ModelLayoutError naming the missing or
 * wrong file and what was expected. Reads only graph structure and file sizes (fast, no weights loaded).
 */
export function detectModelLayout(directory: string, options: DetectModelLayoutOptions = {}): ModelLayout {
  const dir = resolve(directory);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelLayoutError(dir, `The GPT-SoVITS model folder ${dir} does not exist. ${GENIE_DOWNLOAD_HINT}`);
  }
  const names = readdirSync(dir);
  if (names.some((n) => n.endsWith('_t2s_sdec.onnx') || n.endsWith('_t2s_fsdec.onnx'))) {
    throw new ModelLayoutError(dir, `${dir} holds graphs from GPT-SoVITS's own onnx_export.py (*_t2s_fsdec.onnx). Chorus needs the Genie-TTS converter's layout; convert the .ckpt/.pth with it instead. ${GENIE_DOWNLOAD_HINT}`);
  }
  if (names.includes('prompt_encoder_fp32.onnx')) {
    throw new ModelLayoutError(join(dir, 'prompt_encoder_fp32.onnx'), `${dir} is a GPT-SoVITS v2ProPlus model (it has prompt_encoder_fp32.onnx). Only v2 models are supported for now; convert a v2 model.`);
  }
  const missing = Object.entries(GENIE_FILES).filter(([part, file]) => part !== 'hubert' && !names.includes(file)).map(([, file]) => file);
  if (missing.length > 0) {
    throw new ModelLayoutError(join(dir, missing[0]!), `The GPT-SoVITS model folder ${dir} is incomplete: missing ${missing.join(', ')}. ${GENIE_DOWNLOAD_HINT}`);
  }

  const encoderPath = join(dir, GENIE_FILES.encoder);
  const encoder = readGraph(encoderPath);
  expectValues(encoderPath, 'inputs', encoder.inputs, [['ref_seq', 2], ['text_seq', 2], ['ref_bert', 2], ['text_bert', 2], ['ssl_content', 3]]);
  expectValues(encoderPath, 'outputs', encoder.outputs, [['x', 3], ['prompts', 2]]);

  const firstPath = join(dir, GENIE_FILES.firstStageDecoder);
  const first = readGraph(firstPath);
  expectValues(firstPath, 'inputs', first.inputs, [['x', 3], ['prompts', 2]]);
  expectValues(firstPath, 'outputs', first.outputs, [['y', 2], ['y_emb', 3]]);
  const layerCount = countLayers(firstPath, first.outputs, 'present');
  expectValues(firstPath, 'outputs', first.outputs, Array.from({ length: layerCount }, (_, i) => [`present_k_layer_${i}`, 3] as const));

  const stagePath = join(dir, GENIE_FILES.stageDecoder);
  const stage = readGraph(stagePath);
  expectValues(stagePath, 'inputs', stage.inputs, [['iy', 2], ['iy_emb', 3]]);
  expectValues(stagePath, 'outputs', stage.outputs, [['y', 2], ['y_emb', 3]]);
  const stageLayers = countLayers(stagePath, stage.inputs, 'past');
  if (stageLayers !== layerCount || countLayers(stagePath, stage.outputs, 'present') !== layerCount) {
    throw new ModelLayoutError(stagePath, `${GENIE_FILES.stageDecoder} has ${stageLayers} layers but ${GENIE_FILES.firstStageDecoder} has ${layerCount}: the two decoders come from different models.`);
  }
  const kvShape = stage.inputs.find((v) => v.name === 'past_k_layer_0')?.shape;
  const width = kvShape?.[2];
  const modelWidth = typeof width === 'number' ? width : 512;

  const vitsPath = join(dir, GENIE_FILES.vits);
  const vits = readGraph(vitsPath);
  if (vits.inputs.some((v) => v.name === 'ge')) {
    throw new ModelLayoutError(vitsPath, `${vitsPath} is a GPT-SoVITS v2ProPlus vocoder (it takes "ge"). Only v2 models are supported for now.`);
  }
  expectValues(vitsPath, 'inputs', vits.inputs, [['text_seq', 2], ['pred_semantic', 3], ['ref_audio', 2]]);
  expectValues(vitsPath, 'outputs', vits.outputs, [['audio', 1]]);

  const hubertPath = findHubert(dir, options.hubertPath);
  const hubert = readGraph(hubertPath);
  const hubertInput = hubert.inputs.find((v) => v.name === 'input_values') ?? (hubert.inputs.length === 1 ? hubert.inputs[0] : undefined);
  if (hubertInput === undefined || hubertInput.elementType !== 'float32' || (hubertInput.shape !== null && hubertInput.shape.length !== 2)) {
    throw new ModelLayoutError(hubertPath, `${hubertPath} does not look like the Chinese HuBERT encoder: expected one float input "input_values" [1, samples], found ${describe(hubert.inputs)}.`);
  }
  const hubertOutput = hubert.outputs[0];
  if (hubertOutput === undefined || (hubertOutput.shape !== null && hubertOutput.shape.length !== 3)) {
    throw new ModelLayoutError(hubertPath, `${hubertPath} does not look like the Chinese HuBERT encoder: expected an output [1, 768, frames].`);
  }
  const hubertStem = basename(hubertPath, '.onnx');
  const roberta = findRoberta(dir, options.robertaPath);

  return {
    kind: 'genie-v2',
    directory: dir,
    encoder: { path: encoderPath, weights: weightSources(encoderPath, encoder) },
    firstStageDecoder: { path: firstPath, weights: weightSources(firstPath, first), logitsTensor: findLogitsTensor(firstPath, first) },
    stageDecoder: { path: stagePath, weights: weightSources(stagePath, stage), logitsTensor: findLogitsTensor(stagePath, stage) },
    vits: { path: vitsPath, weights: weightSources(vitsPath, vits) },
    hubert: { path: hubertPath, weights: weightSources(hubertPath, hubert, [`${hubertStem}_weights_fp16.bin`, `${hubertStem}_fp16.bin`]), inputName: hubertInput.name },
    layerCount,
    modelWidth,
    ...(roberta === undefined ? {} : { roberta }),
  };
}
