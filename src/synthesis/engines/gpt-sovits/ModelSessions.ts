import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { float16ToFloat32 } from './Float16.ts';
import { exposeGraphOutput } from './exposeGraphOutput.ts';
import { ModelLayoutError } from './ModelLayoutError.ts';
import { readOnnxModelInfo } from './OnnxModelInfo.ts';
import type { GraphFile, ModelLayout, WeightSource } from './ModelLayout.ts';

export interface SessionThreadOptions {
  /** Threads inside one operator (MatMul, Conv). 2 is best on a 2-core machine (genie-bench.md). */
  readonly intraOpThreads?: number;
}

/** The five sessions of a GPT-SoVITS v2 model. Several voices share one set. */
export interface ModelSessions {
  readonly layout: ModelLayout;
  readonly encoder: ort.InferenceSession;
  readonly firstStageDecoder: ort.InferenceSession;
  readonly stageDecoder: ort.InferenceSession;
  readonly vits: ort.InferenceSession;
  readonly hubert: ort.InferenceSession;
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
}

async function createSession(graph: GraphFile, weights: WeightCache, options: ort.InferenceSession.SessionOptions, exposeTensor?: string): Promise<ort.InferenceSession> {
  const needsMemory = exposeTensor !== undefined || graph.weights.some((w) => w.storage === 'float16');
  try {
    if (!needsMemory) return await ort.InferenceSession.create(graph.path, options);
    let model: Uint8Array = readFileSync(graph.path);
    if (exposeTensor !== undefined && !readOnnxModelInfo(model).outputs.some((o) => o.name === exposeTensor)) model = exposeGraphOutput(model, exposeTensor);
    const externalData = graph.weights.map((w) => ({ path: w.location, data: weights.get(w) }));
    return await ort.InferenceSession.create(model, { ...options, externalData });
  } catch (error) {
    if (error instanceof ModelLayoutError) throw error;
    throw new ModelLayoutError(graph.path, `onnxruntime could not load ${graph.path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function loadModelSessions(layout: ModelLayout, threads: SessionThreadOptions = {}): Promise<ModelSessions> {
  const options: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    intraOpNumThreads: threads.intraOpThreads ?? 2,
  };
  const weights = new WeightCache();
  const encoder = await createSession(layout.encoder, weights, options);
  const firstStageDecoder = await createSession(layout.firstStageDecoder, weights, options, layout.firstStageDecoder.logitsTensor);
  const stageDecoder = await createSession(layout.stageDecoder, weights, options, layout.stageDecoder.logitsTensor);
  const vits = await createSession(layout.vits, weights, options);
  const hubert = await createSession(layout.hubert, weights, options);
  const sessions = [encoder, firstStageDecoder, stageDecoder, vits, hubert];
  return {
    layout,
    encoder,
    firstStageDecoder,
    stageDecoder,
    vits,
    hubert,
    async release() {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}
