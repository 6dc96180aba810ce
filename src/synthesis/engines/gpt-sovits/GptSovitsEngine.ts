import { Worker } from 'node:worker_threads';
import type { DecodedClip } from '../../../audio/DecodedClip.ts';
import type { PcmChunk } from '../../../audio/PcmChunk.ts';
import { float32ToInt16 } from '../../../audio/pcm.ts';
import type { Language } from '../../../text/TextPart.ts';
import { CancelledError } from '../../../util/ChorusError.ts';
import type { EngineFeatures } from '../../../voices/Voice.ts';
import type { SynthesisEngine, SynthesisRequest } from '../../SynthesisEngine.ts';
import { GptSovitsEngineError, ReferenceClipError, VoiceFeaturesError } from './GptSovitsErrors.ts';
import { DEFAULT_LIMITS, type DecodingLimits } from './GptSovitsPipeline.ts';
import { readVoiceFeatures } from './GptSovitsVoiceFeatures.ts';
import { detectModelLayout, type DetectModelLayoutOptions } from './ModelLayout.ts';
import { ModelLayoutError } from './ModelLayoutError.ts';
import type { DecoderOptions } from './ModelSessions.ts';
import type { GptSovitsWorkerData, SerializedError, WorkerRequest, WorkerResponse } from './gptSovitsWorkerProtocol.ts';

export const GPT_SOVITS_ENGINE_ID = 'gpt-sovits';
const OUTPUT_SAMPLE_RATE = 48000;

export interface GptSovitsEngineOptions {
  /** Folder of a Genie-TTS-converted GPT-SoVITS v2 model (see models/README.md). */
  readonly modelDir: string;
  /** Chinese HuBERT folder or .onnx; searched beside the model when absent. */
  readonly hubertPath?: string;
  /** Chinese RoBERTa folder or .onnx; a "roberta…" or "chinese-roberta…" folder in or beside the model is used when absent. */
  readonly robertaPath?: string;
  /** onnxruntime intra-op threads in the worker (default 2). */
  readonly threads?: number;
  /** Let idle onnxruntime threads spin (default false: better when the PC is busy with other work). */
  readonly spinWait?: boolean;
  /** KV-cache handling and decoder weight precision (defaults: in-place caches, int8 weights). */
  readonly decoder?: DecoderOptions;
  /** Decoder limits (minimum tokens, caps, sampling); defaults follow GPT-SoVITS. */
  readonly limits?: Partial<DecodingLimits>;
  /** Fixed sampling seed (reproducible output, for tests); random per utterance when absent. */
  readonly seed?: number;
  /** Silence between sentences (default 0.3 s, as GPT-SoVITS). */
  readonly sentencePauseSeconds?: number;
}

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

type JobMessage = Extract<WorkerResponse, { id: number }>;

function reviveError(error: SerializedError): Error {
  if (error.name === 'CancelledError' || error.name === 'AbortError') return new CancelledError('Speech synthesis was cancelled.');
  if (error.code === 'gpt-sovits-reference-clip') return new ReferenceClipError(error.message);
  if (error.code === 'gpt-sovits-voice-features') return new VoiceFeaturesError(error.message);
  if (error.code === 'gpt-sovits-model-layout') return new ModelLayoutError(error.file ?? '', error.message);
  return new GptSovitsEngineError(`GPT-SoVITS failed: ${error.message}`);
}

/**
 * GPT-SoVITS v2 zero-shot voice cloning. All onnxruntime work happens in one worker thread holding one
 * loaded model that every voice shares; this class only routes messages and shapes PCM chunks.
 */
export class GptSovitsEngine implements SynthesisEngine {
  readonly id = GPT_SOVITS_ENGINE_ID;
  readonly sampleRate = OUTPUT_SAMPLE_RATE;
  readonly #worker: Worker;
  readonly #options: GptSovitsEngineOptions;
  readonly #limits: DecodingLimits;
  readonly #listeners = new Map<number, (message: JobMessage | Error) => void>();
  #nextId = 1;
  #failure: Error | undefined;

  private constructor(worker: Worker, options: GptSovitsEngineOptions) {
    this.#worker = worker;
    this.#options = options;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    worker.on('message', (message: WorkerResponse) => {
      if ('id' in message) this.#listeners.get(message.id)?.(message);
    });
    const fail = (error: Error): void => {
      this.#failure = error;
      for (const listener of this.#listeners.values()) listener(error);
    };
    worker.on('error', (error) => fail(new GptSovitsEngineError(`The GPT-SoVITS worker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new GptSovitsEngineError(`The GPT-SoVITS worker stopped (exit code ${code}).`)));
  }

  /** Checks the model folder (throws ModelLayoutError naming the bad file), then loads it in a worker. */
  static async create(options: GptSovitsEngineOptions): Promise<GptSovitsEngine> {
    const layout: DetectModelLayoutOptions = {
      ...(options.hubertPath === undefined ? {} : { hubertPath: options.hubertPath }),
      ...(options.robertaPath === undefined ? {} : { robertaPath: options.robertaPath }),
    };
    detectModelLayout(options.modelDir, layout);
    const data: GptSovitsWorkerData = {
      modelDir: options.modelDir,
      layout,
      intraOpThreads: Math.max(1, Math.floor(options.threads ?? 2)),
      ...(options.spinWait === undefined ? {} : { spinWait: options.spinWait }),
      ...(options.decoder === undefined ? {} : { decoder: options.decoder }),
    };
    const worker = new Worker(new URL('./gptSovitsWorker.ts', import.meta.url), { workerData: data });
    const ready = await new Promise<WorkerResponse>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw new GptSovitsEngineError(`The GPT-SoVITS worker could not start: ${(error as Error).message}`, { cause: error });
    });
    if (ready.type === 'load-failed') {
      await worker.terminate();
      throw reviveError(ready.error);
    }
    return new GptSovitsEngine(worker, options);
  }

  /** Sends a job and returns an async queue of its messages. */
  #start(request: Omit<Extract<WorkerRequest, { type: 'analyse' }>, 'id'> | Omit<Extract<WorkerRequest, { type: 'synthesize' }>, 'id'>, transfer: ArrayBuffer[] = []): { id: number; next: () => Promise<JobMessage>; end: () => void } {
    if (this.#failure !== undefined) throw this.#failure;
    const id = this.#nextId++;
    const inbox: Array<JobMessage | Error> = [];
    let wake: (() => void) | undefined;
    this.#listeners.set(id, (message) => {
      inbox.push(message);
      wake?.();
    });
    this.#worker.postMessage({ ...request, id }, transfer);
    const next = async (): Promise<JobMessage> => {
      while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const message = inbox.shift()!;
      if (message instanceof Error) throw message;
      if (message.type === 'failed') throw reviveError(message.error);
      return message;
    };
    return { id, next, end: () => this.#listeners.delete(id) };
  }

  async analyseVoice(clip: DecodedClip, transcript: string, language: Language): Promise<EngineFeatures[string]> {
    const samples = clip.samples.slice(); // a private copy the worker can take over
    const job = this.#start({ type: 'analyse', samples, sampleRate: clip.sampleRate, transcript, language }, [samples.buffer]);
    try {
      const message = await job.next();
      if (message.type !== 'analysed') throw new GptSovitsEngineError(`unexpected worker reply ${message.type}`);
      return message.features;
    } finally {
      job.end();
    }
  }

  async *synthesize(request: SynthesisRequest): AsyncIterable<PcmChunk> {
    const { signal } = request;
    if (signal?.aborted === true) throw new CancelledError('Speech synthesis was cancelled.');
    const features = readVoiceFeatures(request.voice.features[GPT_SOVITS_ENGINE_ID], request.voice.id);
    const seed = this.#options.seed ?? Math.floor(Math.random() * 2 ** 31);
    const job = this.#start({ type: 'synthesize', sentences: request.sentences, features, limits: this.#limits, seed });
    const cancel = (): void => this.#worker.postMessage({ type: 'cancel', id: job.id } satisfies WorkerRequest);
    signal?.addEventListener('abort', cancel, { once: true });
    const pauseLength = Math.round((this.#options.sentencePauseSeconds ?? 0.3) * OUTPUT_SAMPLE_RATE);
    let finished = false;
    let emitted = false;
    try {
      for (;;) {
        const message = await job.next();
        if (isAborted(signal)) throw new CancelledError('Speech synthesis was cancelled.');
        if (message.type === 'done') break;
        if (message.type !== 'sentence' || message.samples48k.length === 0) continue;
        if (emitted && pauseLength > 0) yield { samples: new Int16Array(pauseLength), sampleRate: OUTPUT_SAMPLE_RATE, sentenceIndex: message.sentenceIndex };
        emitted = true;
        yield { samples: float32ToInt16(message.samples48k), sampleRate: OUTPUT_SAMPLE_RATE, sentenceIndex: message.sentenceIndex };
      }
      finished = true;
    } finally {
      signal?.removeEventListener('abort', cancel);
      // Consumer stopped early (skip) or an error: stop the worker's job at its next step.
      if (!finished) cancel();
      job.end();
    }
  }

  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}

/** Creates the GPT-SoVITS engine: validates the model folder, then loads the model in a worker thread. */
export function createGptSovitsEngine(options: GptSovitsEngineOptions): Promise<GptSovitsEngine> {
  return GptSovitsEngine.create(options);
}
