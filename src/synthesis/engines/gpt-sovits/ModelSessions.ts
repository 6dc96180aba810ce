import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { float16ToFloat32 } from './Float16.ts';
import { exposeGraphOutput } from './exposeGraphOutput.ts';
import { ModelLayoutError } from './ModelLayoutError.ts';
import { readOnnxModelInfo } from './OnnxModelInfo.ts';
import { canQuantizeDecoderWeights, quantizeDecoderWeights, type BlockQuantizedWeight } from './quantizeDecoderWeights.ts';
import { canRewriteStageAttention, rewriteStageAttention } from './rewriteStageAttention.ts';
import type { GraphFile, ModelLayout, RobertaFiles, WeightSource } from './ModelLayout.ts';
import { CharacterTokenizer } from './CharacterTokenizer.ts';
import { RobertaFeatures } from './RobertaFeatures.ts';
import { OnDemandSession } from './OnDemandSession.ts';

/** HuBERT stays loaded this long after a registration, so registering several voices loads it once. */
export const HUBERT_IDLE_MS = 60_000;

/** How the autoregressive decoder runs; the defaults are the fastest measured (test/bench/gptSovits.bench.ts). */
export interface DecoderOptions {
  /**
   * 'graph': the stage decoder as exported: every step concatenates and transposes all caches and
   * onnxruntime-node copies them out; 'in-place': the stage decoder is rewritten at load time
   * (rewriteStageAttention.ts) so a step writes one new row per layer into caches the loop owns,
   * with the same arithmetic; 'auto' (default): 'in-place' when the graph is one the rewrite knows.
   */
  readonly kvCache?: 'auto' | 'graph' | 'in-place';
  /**
   * 'int8' (default): the decoders' transformer weights quantised block-wise at load time
   * (quantizeDecoderWeights.ts), about 1.6× faster steps and a third faster prefill, logits within
   * ~2 % RMS of float32 on random and on outlier-heavy weights; 'float32': the weights as converted
   * (the reference, for a user who hears a difference). A graph without the transformer weight
   * products (only the tests' tiny models) loads as float32; LoadedDecoder says which.
   */
  readonly weights?: 'float32' | 'int8';
}

/**
 * The fastest measured configuration (test/bench/gptSovits.bench.ts). int8 is the default because
 * float32 cannot meet the speed target on an ordinary PC: a float32 step reads 300 MB of weights, so it
 * is bound by memory bandwidth, not arithmetic.
 */
export const DEFAULT_DECODER: Required<DecoderOptions> = { kvCache: 'auto', weights: 'int8' };

/** Decoder options as loaded: 'auto' resolved. */
export interface LoadedDecoder {
  readonly kvCache: 'graph' | 'in-place';
  readonly weights: 'float32' | 'int8';
}

export interface SessionThreadOptions {
  /** Threads inside one operator (MatMul, Conv). 2 is best on a 2-core machine (genie-bench.md). */
  readonly intraOpThreads?: number;
  /**
   * Let idle onnxruntime threads spin between operators (default false). Spinning is slightly faster on
   * an idle machine but, on a streamer's PC busy with a game and OBS, it burns a core and made decoder
   * steps 1.5–3× slower in the benchmark under load.
   */
  readonly spinWait?: boolean;
  readonly decoder?: DecoderOptions;
  /** How long HuBERT stays loaded after a registration (default HUBERT_IDLE_MS). */
  readonly hubertIdleMs?: number;
}

/** The two autoregressive decoders, loaded as `decoder` says. */
export interface DecoderSessions {
  readonly decoder: LoadedDecoder;
  readonly firstStageDecoder: ort.InferenceSession;
  readonly stageDecoder: ort.InferenceSession;
}

/** The five sessions of a GPT-SoVITS v2 model. Several voices share one set. */
export interface ModelSessions {
  readonly layout: ModelLayout;
  readonly decoder: LoadedDecoder;
  readonly encoder: ort.InferenceSession;
  readonly firstStageDecoder: ort.InferenceSession;
  readonly stageDecoder: ort.InferenceSession;
  readonly vits: ort.InferenceSession;
  /** Loaded for registrations only, released after HUBERT_IDLE_MS. */
  readonly hubert: OnDemandSession;
  /** Mandarin BERT features, when the model folder has a Chinese RoBERTa. */
  readonly roberta?: RobertaFeatures;
  release(): Promise<void>;
}

/**
 * Reads weight files as float32 bytes, widening float16 files in memory (no temporary files). One file
 * is read once even when two graphs use it (the decoders share t2s_shared_fp16.bin).
 */
class WeightCache {
  readonly #buffers = new Map<string, Buffer>();

  get(source: WeightSource): Buffer {
    const cached = this.#buffers.get(source.file);
    if (cached !== undefined) return cached;
    const raw = readFileSync(source.file);
    let buffer: Buffer;
    if (source.storage === 'float16') {
      const widened = float16ToFloat32(raw);
      // onnxruntime-node accepts only a Buffer for in-memory external data.
      buffer = Buffer.from(widened.buffer, widened.byteOffset, widened.byteLength);
    } else buffer = raw;
    if (buffer.byteLength < source.requiredBytes) {
      throw new ModelLayoutError(source.file, `${source.file} is shorter than the graph expects (${buffer.byteLength} < ${source.requiredBytes} bytes).`);
    }
    this.#buffers.set(source.file, buffer);
    return buffer;
  }

  /**
   * Frees the weight bytes once every session that needs them exists: onnxruntime copies in-memory
   * external data into its own initializers (checked: a session gives the same results after these
   * bytes are freed and overwritten), and without this the float32 copy (~0.5 GB) stays until V8's
   * next full collection, which in an idle worker can be a long time.
   */
  release(): void {
    // Only buffers that own their whole ArrayBuffer: a small file's bytes may sit in Node's shared pool.
    for (const buffer of this.#buffers.values()) if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) detach(buffer.buffer);
    this.#buffers.clear();
  }
}

/** ES2024 ArrayBuffer.prototype.transfer (Node ≥ 21; not yet in TypeScript's es2023 lib): transfer(0) frees the bytes now. */
function detach(buffer: ArrayBufferLike): void {
  (buffer as ArrayBufferLike & { transfer?: (length: number) => ArrayBuffer }).transfer?.(0);
}

/** A load-time rewrite of a graph; `weightOf` reads one of its external initializers as float32. */
type GraphRewrite = (model: Uint8Array, weightOf: (name: string) => Float32Array) => Uint8Array;

function weightReader(graph: GraphFile, model: Uint8Array, weights: WeightCache): (name: string) => Float32Array {
  const initializers = new Map(readOnnxModelInfo(model).externalInitializers.map((i) => [i.name, i]));
  return (name) => {
    const init = initializers.get(name);
    const source = init === undefined ? undefined : graph.weights.find((w) => w.location === init.location);
    if (init === undefined || source === undefined) throw new ModelLayoutError(graph.path, `${graph.path} has no external weight ${name}.`);
    const buffer = weights.get(source);
    const start = buffer.byteOffset + init.offset;
    // A view when aligned (the widened float16 buffers always are); a copy otherwise.
    return start % 4 === 0 ? new Float32Array(buffer.buffer, start, init.length / 4) : new Float32Array(buffer.subarray(init.offset, init.offset + init.length).slice().buffer);
  };
}

async function createSession(graph: GraphFile, weights: WeightCache, options: ort.InferenceSession.SessionOptions, exposeTensor?: string, rewrites: readonly GraphRewrite[] = []): Promise<ort.InferenceSession> {
  const needsMemory = exposeTensor !== undefined || rewrites.length > 0 || graph.weights.some((w) => w.storage === 'float16');
  try {
    if (!needsMemory) return await ort.InferenceSession.create(graph.path, options);
    let model: Uint8Array = readFileSync(graph.path);
    if (exposeTensor !== undefined && !readOnnxModelInfo(model).outputs.some((o) => o.name === exposeTensor)) model = exposeGraphOutput(model, exposeTensor);
    for (const rewrite of rewrites) model = rewrite(model, weightReader(graph, model, weights));
    const externalData = graph.weights.map((w) => ({ path: w.location, data: weights.get(w) }));
    return await ort.InferenceSession.create(model, { ...options, externalData });
  } catch (error) {
    if (error instanceof ModelLayoutError) throw error;
    throw new ModelLayoutError(graph.path, `onnxruntime could not load ${graph.path}: ${(error as Error).message}`, { cause: error });
  }
}

function sessionOptions(threads: SessionThreadOptions): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    intraOpNumThreads: threads.intraOpThreads ?? 2,
    extra: { session: { 'intra_op.allow_spinning': threads.spinWait === true ? '1' : '0' } },
  };
}

async function createDecoderSessions(layout: ModelLayout, weights: WeightCache, options: ort.InferenceSession.SessionOptions, requested: Required<DecoderOptions>): Promise<DecoderSessions> {
  let kvCache = requested.kvCache;
  if (kvCache === 'auto') {
    kvCache = canRewriteStageAttention(readFileSync(layout.stageDecoder.path), layout.layerCount, layout.modelWidth) ? 'in-place' : 'graph';
  }
  const weights8 = requested.weights === 'int8' && canQuantizeDecoderWeights(readFileSync(layout.stageDecoder.path));
  const decoder: LoadedDecoder = { kvCache, weights: weights8 ? 'int8' : 'float32' };
  const quantised = new Map<string, BlockQuantizedWeight>();
  const int8 = (path: string): GraphRewrite[] => (decoder.weights === 'int8' ? [(model, weightOf) => quantizeDecoderWeights(model, path, weightOf, quantised)] : []);
  const inPlace: GraphRewrite[] = decoder.kvCache === 'in-place' ? [(model) => rewriteStageAttention(model, layout.layerCount, layout.modelWidth, layout.stageDecoder.path)] : [];
  const firstStageDecoder = await createSession(layout.firstStageDecoder, weights, options, layout.firstStageDecoder.logitsTensor, int8(layout.firstStageDecoder.path));
  const stageDecoder = await createSession(layout.stageDecoder, weights, options, layout.stageDecoder.logitsTensor, [...inPlace, ...int8(layout.stageDecoder.path)]);
  return { decoder, firstStageDecoder, stageDecoder };
}

/** RoBERTa is loaded from its path: onnxruntime reads an external-data file beside the graph itself. */
async function loadRoberta(files: RobertaFiles, options: ort.InferenceSession.SessionOptions): Promise<RobertaFeatures> {
  const tokenizer = CharacterTokenizer.fromFile(files.tokenizer);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(files.model, options);
  } catch (error) {
    throw new ModelLayoutError(files.model, `onnxruntime could not load the Chinese RoBERTa ${files.model}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await RobertaFeatures.create(session, tokenizer, files.model);
  } catch (error) {
    await session.release();
    throw error;
  }
}

/** Only the decoders (for tests comparing decoder configurations on one model). */
export async function loadDecoderSessions(layout: ModelLayout, threads: SessionThreadOptions = {}): Promise<DecoderSessions> {
  const weights = new WeightCache();
  try {
    return await createDecoderSessions(layout, weights, sessionOptions(threads), { ...DEFAULT_DECODER, ...threads.decoder });
  } finally {
    weights.release();
  }
}

export async function loadModelSessions(layout: ModelLayout, threads: SessionThreadOptions = {}): Promise<ModelSessions> {
  const options = sessionOptions(threads);
  const weights = new WeightCache();
  let loaded: [ort.InferenceSession, DecoderSessions, ort.InferenceSession];
  try {
    loaded = [await createSession(layout.encoder, weights, options), await createDecoderSessions(layout, weights, options, { ...DEFAULT_DECODER, ...threads.decoder }), await createSession(layout.vits, weights, options)];
  } finally {
    weights.release();
  }
  const [encoder, { decoder, firstStageDecoder, stageDecoder }, vits] = loaded;
  // Its own weight cache: the float32 copy of HuBERT's weights must not outlive the load.
  const hubert = new OnDemandSession(async () => {
    const hubertWeights = new WeightCache();
    try {
      return await createSession(layout.hubert, hubertWeights, options);
    } finally {
      hubertWeights.release();
    }
  }, threads.hubertIdleMs ?? HUBERT_IDLE_MS);
  const sessions = [encoder, firstStageDecoder, stageDecoder, vits];
  let roberta: RobertaFeatures | undefined;
  try {
    roberta = layout.roberta === undefined ? undefined : await loadRoberta(layout.roberta, options);
  } catch (error) {
    await Promise.all(sessions.map((s) => s.release()));
    throw error;
  }
  return {
    layout,
    decoder,
    encoder,
    firstStageDecoder,
    stageDecoder,
    vits,
    hubert,
    ...(roberta === undefined ? {} : { roberta }),
    async release() {
      await Promise.all([...sessions.map((s) => s.release()), hubert.release(), roberta?.release()]);
    },
  };
}
