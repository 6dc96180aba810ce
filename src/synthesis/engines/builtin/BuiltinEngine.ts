import type { DecodedClip } from '../../../audio/DecodedClip.ts';
import type { PcmChunk } from '../../../audio/PcmChunk.ts';
import type { Language, Sentence } from '../../../text/TextPart.ts';
import { CancelledError } from '../../../util/ChorusError.ts';
import type { SynthesisEngine, SynthesisRequest } from '../../SynthesisEngine.ts';
import { type BuiltinVoiceProfile, parseBuiltinVoiceProfile } from './BuiltinVoiceProfile.ts';
import { ChunkChannel } from './ChunkChannel.ts';
import { ESPEAK_SAMPLE_RATE, ESPEAK_VOICE_BY_LANGUAGE } from './espeakVoices.ts';
import type { EspeakSegment } from './EspeakWorkerMessage.ts';
import { EspeakWorkerPool } from './EspeakWorkerPool.ts';
import { ENGINE_ID } from './EspeakWorkerThread.ts';
import { referenceLanguageOf } from './referenceLanguageOf.ts';

export interface BuiltinEngineOptions {
  /** Worker threads, each with its own espeak instance (~30 MB). Default 1. */
  readonly workers?: number;
  /** Silence between sentences. Default 0.25 s. */
  readonly pauseSeconds?: number;
  /** Worker entry; tests substitute one that can be made to crash. Default ./espeakWorker.ts. */
  readonly workerUrl?: URL;
}

/** Splits sentences into per-language espeak segments: Mandarin as toned pinyin, English as text. */
export function segmentsFor(sentences: readonly Sentence[]): EspeakSegment[] {
  const segments: EspeakSegment[] = [];
  sentences.forEach((sentence, sentenceIndex) => {
    for (const part of sentence.parts) {
      const text = (part.language === 'zh' ? (part.pinyin ?? part.text) : part.text).trim();
      if (text !== '') segments.push({ sentenceIndex, voice: ESPEAK_VOICE_BY_LANGUAGE[part.language], text });
    }
  });
  return segments;
}

/**
 * The always-available engine: espeak-ng (wasm) in worker threads, adapted to each voice by a fitted
 * espeak voice variant (see BuiltinVoiceProfile). Streams each sentence's audio as espeak produces it.
 */
export class BuiltinEngine implements SynthesisEngine {
  readonly id = ENGINE_ID;
  readonly sampleRate = ESPEAK_SAMPLE_RATE;
  readonly #pool: EspeakWorkerPool;
  readonly #pauseSamples: number;

  constructor(options: BuiltinEngineOptions = {}) {
    this.#pool = new EspeakWorkerPool(options.workers ?? 1, options.workerUrl ?? new URL('./espeakWorker.ts', import.meta.url));
    this.#pauseSamples = Math.round((options.pauseSeconds ?? 0.25) * ESPEAK_SAMPLE_RATE);
  }

  /** Constructs the engine and waits until its workers have loaded espeak, so start-up problems surface at once. */
  static async create(options: BuiltinEngineOptions = {}): Promise<BuiltinEngine> {
    const engine = new BuiltinEngine(options);
    try {
      await engine.#pool.ready();
    } catch (error) {
      await engine.close();
      throw error;
    }
    return engine;
  }

  synthesize(request: SynthesisRequest): AsyncIterable<PcmChunk> {
    return this.#stream(request);
  }

  async *#stream(request: SynthesisRequest): AsyncGenerator<PcmChunk> {
    const { signal } = request;
    if (signal?.aborted) throw new CancelledError();
    const segments = segmentsFor(request.sentences);
    if (segments.length === 0) return;

    const channel = new ChunkChannel<PcmChunk>();
    let finished = false;
    const job = this.#pool.submit(
      { type: 'synthesize', segments, profile: parseBuiltinVoiceProfile(request.voice.features[ENGINE_ID]), pauseSamples: this.#pauseSamples },
      {
        onChunk: (sentenceIndex, samples) => channel.push({ samples, sampleRate: ESPEAK_SAMPLE_RATE, sentenceIndex }),
        onAnalysed: () => {},
        onDone: () => {
          finished = true;
          channel.end();
        },
        onFailed: (error) => {
          finished = true;
          channel.fail(error);
        },
      },
    );
    const onAbort = (): void => {
      job.cancel();
      channel.fail(new CancelledError('Speaking was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      yield* channel;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // The consumer stopped early (break, throw, abort): free the worker for the next request.
      if (!finished) job.cancel();
    }
  }

  analyseVoice(clip: DecodedClip, transcript: string, language: Language): Promise<BuiltinVoiceProfile> {
    const referenceLanguage = referenceLanguageOf(transcript);
    return new Promise((resolve, reject) => {
      this.#pool.submit(
        { type: 'analyse', samples: clip.samples, sampleRate: clip.sampleRate, language, referenceLanguage },
        { onChunk: () => {}, onDone: () => {}, onAnalysed: resolve, onFailed: reject },
      );
    });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
