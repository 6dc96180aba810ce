import type { PcmChunk } from '../../../src/audio/PcmChunk.ts';
import type { SynthesisEngine, SynthesisRequest } from '../../../src/synthesis/SynthesisEngine.ts';
import { concatSamples, int16ToFloat32 } from '../../../src/audio/pcm.ts';

/** One synthesis the engine ran: the request's voice and every sample it produced. */
export interface RecordedSynthesis {
  readonly voiceId: string;
  readonly text: string;
  readonly sampleRate: number;
  readonly chunks: Int16Array[];
}

/**
 * Wraps a real engine and keeps what it produced, so a test can compare the audio that reached Discord with the
 * exact PCM the engine made for that utterance (the built-in engine varies slightly from run to run).
 */
export class RecordingEngine implements SynthesisEngine {
  readonly id: string;
  readonly sampleRate: number;
  readonly syntheses: RecordedSynthesis[] = [];
  readonly #inner: SynthesisEngine;

  constructor(inner: SynthesisEngine) {
    this.#inner = inner;
    this.id = inner.id;
    this.sampleRate = inner.sampleRate;
  }

  async *synthesize(request: SynthesisRequest): AsyncIterable<PcmChunk> {
    const record: RecordedSynthesis = {
      voiceId: request.voice.id,
      text: request.sentences.map((sentence) => sentence.parts.map((part) => part.text).join('')).join(' '),
      sampleRate: this.sampleRate,
      chunks: [],
    };
    this.syntheses.push(record);
    for await (const chunk of this.#inner.synthesize(request)) {
      record.chunks.push(chunk.samples);
      yield chunk;
    }
  }

  analyseVoice(...args: Parameters<SynthesisEngine['analyseVoice']>): ReturnType<SynthesisEngine['analyseVoice']> {
    return this.#inner.analyseVoice(...args);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** A recording's samples as one float array. */
export function recordedSamples(record: RecordedSynthesis): Float32Array {
  return int16ToFloat32(concatSamples(Int16Array, record.chunks));
}
