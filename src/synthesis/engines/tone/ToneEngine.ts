import { setTimeout as delay } from 'node:timers/promises';
import type { PcmChunk } from '../../../audio/PcmChunk.ts';
import type { Sentence } from '../../../text/TextPart.ts';
import { CancelledError, ChorusError } from '../../../util/ChorusError.ts';
import type { SynthesisEngine, SynthesisRequest } from '../../SynthesisEngine.ts';

export interface ToneEngineOptions {
  /** Default 24000 (the rate of the real engines, so resampling is exercised). */
  readonly sampleRate?: number;
  /** Audio length per character of sentence text. Default 30 ms. */
  readonly msPerCharacter?: number;
  /** Audio per chunk. Default 40 ms. */
  readonly chunkMs?: number;
  /** Pause before each chunk, standing in for inference time. Default 1 ms. */
  readonly chunkDelayMs?: number;
  /** Fault injection for tests and benchmarks: the engine throws when it reaches a sentence for which this is true. */
  readonly failOn?: (sentenceText: string) => boolean;
}

/** What the engine has done, for tests and benchmarks to check scheduling against. */
export interface ToneEngineActivity {
  /** Text of every request the engine was given, in order (sentences joined by " | "). */
  readonly requests: readonly string[];
  readonly active: number;
  readonly maxActive: number;
  readonly completed: number;
  readonly aborted: number;
  readonly failed: number;
}

/** Thrown when `failOn` selects a sentence. */
export class ToneEngineFault extends ChorusError {
  constructor(sentenceText: string) {
    super('tone-engine-fault', `The tone engine was configured to fail on the sentence "${sentenceText}".`);
  }
}

export function sentenceText(sentence: Sentence): string {
  return sentence.parts.map((part) => part.text).join('');
}

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The tone's frequency for a sentence: one of 24 steps 25 Hz apart in 300–875 Hz, chosen by the text's hash. */
export function toneFrequency(text: string): number {
  return 300 + 25 * (hashText(text) % 24);
}

/** Length of a sentence's tone in samples. Empty text still yields one chunk's worth so every sentence is audible. */
export function toneSampleCount(text: string, sampleRate: number, msPerCharacter: number): number {
  return Math.max(1, Math.round((Math.max(1, [...text].length) * msPerCharacter * sampleRate) / 1000));
}

/**
 * A real, dependency-free engine that speaks in sine tones: each sentence becomes a tone whose frequency
 * encodes the sentence's text and whose length grows with it. Deterministic, so tests can tell from the
 * audio alone which sentence is playing; streams in small chunks with async pauses like a real engine.
 */
export class ToneEngine implements SynthesisEngine {
  readonly id = 'tone';
  readonly sampleRate: number;
  readonly #msPerCharacter: number;
  readonly #chunkSamples: number;
  readonly #chunkDelayMs: number;
  readonly #failOn: ((sentenceText: string) => boolean) | undefined;
  readonly #requests: string[] = [];
  #active = 0;
  #maxActive = 0;
  #completed = 0;
  #aborted = 0;
  #failed = 0;

  constructor(options: ToneEngineOptions = {}) {
    this.sampleRate = options.sampleRate ?? 24_000;
    this.#msPerCharacter = options.msPerCharacter ?? 30;
    this.#chunkSamples = Math.max(1, Math.round(((options.chunkMs ?? 40) * this.sampleRate) / 1000));
    this.#chunkDelayMs = options.chunkDelayMs ?? 1;
    this.#failOn = options.failOn;
  }

  get activity(): ToneEngineActivity {
    return {
      requests: [...this.#requests],
      active: this.#active,
      maxActive: this.#maxActive,
      completed: this.#completed,
      aborted: this.#aborted,
      failed: this.#failed,
    };
  }

  synthesize(request: SynthesisRequest): AsyncIterable<PcmChunk> {
    return this.#generate(request);
  }

  async *#generate(request: SynthesisRequest): AsyncGenerator<PcmChunk> {
    const { signal } = request;
    this.#requests.push(request.sentences.map(sentenceText).join(' | '));
    this.#active += 1;
    this.#maxActive = Math.max(this.#maxActive, this.#active);
    let outcome: 'completed' | 'aborted' | 'failed' | undefined;
    try {
      for (const [sentenceIndex, sentence] of request.sentences.entries()) {
        const text = sentenceText(sentence);
        if (this.#failOn?.(text)) throw new ToneEngineFault(text);
        const frequency = toneFrequency(text);
        const total = toneSampleCount(text, this.sampleRate, this.#msPerCharacter);
        for (let start = 0; start < total; start += this.#chunkSamples) {
          if (signal?.aborted) throw new CancelledError('The tone engine stopped: synthesis was cancelled.');
          if (this.#chunkDelayMs > 0) {
            try {
              await delay(this.#chunkDelayMs, undefined, signal ? { signal } : undefined);
            } catch {
              throw new CancelledError('The tone engine stopped: synthesis was cancelled.');
            }
          }
          const samples = new Int16Array(Math.min(this.#chunkSamples, total - start));
          for (let i = 0; i < samples.length; i += 1) {
            // Phase runs on across chunks so the tone is continuous; 0.3 of full scale leaves headroom.
            samples[i] = Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * frequency * (start + i)) / this.sampleRate));
          }
          yield { samples, sampleRate: this.sampleRate, sentenceIndex };
        }
      }
      outcome = 'completed';
    } catch (error) {
      outcome = error instanceof CancelledError ? 'aborted' : 'failed';
      throw error;
    } finally {
      // A consumer that stops pulling (return()) lands here with no outcome: count that as an abort.
      outcome ??= 'aborted';
      this.#active -= 1;
      if (outcome === 'completed') this.#completed += 1;
      else if (outcome === 'aborted') this.#aborted += 1;
      else this.#failed += 1;
    }
  }

  async analyseVoice(): Promise<Record<string, never>> {
    // Tones need nothing from the reference clip.
    return {};
  }

  async close(): Promise<void> {}
}
