import { loadSpeexResampler, type SpeexResamplerModule } from './speexResamplerModule.ts';
import { concatSamples, float32ToInt16, int16ToFloat32 } from './pcm.ts';

export type SampleArray = Float32Array | Int16Array;

export interface StreamingResamplerOptions {
  readonly fromRate: number;
  readonly toRate: number;
  /** Speex quality 0–10. 6 is transparent for speech at a fraction of the cost of 10. */
  readonly quality?: number;
}

export const DEFAULT_RESAMPLER_QUALITY = 6;

type ResamplerState =
  | { readonly status: 'open'; readonly speex: SpeexResamplerModule; readonly handle: number }
  | { readonly status: 'closed' };

/**
 * Resamples one mono stream chunk by chunk. The filter history is kept between chunks, so the output of
 * many push() calls plus flush() equals resampling the concatenated input in one go (no clicks at chunk
 * boundaries). The filter delay is removed: output sample 0 lines up with input sample 0, and after
 * flush() the total output length is round(inputLength × toRate / fromRate).
 *
 * States: 'open' → close() → 'closed'. flush() ends the stream but keeps it open only for close().
 */
export class StreamingResampler<T extends SampleArray = Float32Array> {
  readonly fromRate: number;
  readonly toRate: number;
  readonly #sampleFormat: 'int16' | 'float32';
  #state: ResamplerState;
  #flushed = false;
  #inputCount = 0;
  #outputCount = 0;
  #inputPointer = 0;
  #inputCapacity = 0;
  #outputPointer = 0;
  #outputCapacity = 0;
  readonly #lengthsPointer: number;

  static create(options: StreamingResamplerOptions & { readonly sampleFormat: 'int16' }): Promise<StreamingResampler<Int16Array>>;
  static create(options: StreamingResamplerOptions & { readonly sampleFormat?: 'float32' }): Promise<StreamingResampler<Float32Array>>;
  static async create(
    options: StreamingResamplerOptions & { readonly sampleFormat?: 'int16' | 'float32' },
  ): Promise<StreamingResampler<SampleArray>> {
    const speex = await loadSpeexResampler();
    return new StreamingResampler(speex, options, options.sampleFormat ?? 'float32');
  }

  private constructor(speex: SpeexResamplerModule, options: StreamingResamplerOptions, sampleFormat: 'int16' | 'float32') {
    const { fromRate, toRate } = options;
    const quality = options.quality ?? DEFAULT_RESAMPLER_QUALITY;
    if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
      throw new RangeError(`Sample rates must be positive integers (got ${fromRate} → ${toRate}).`);
    }
    if (!Number.isInteger(quality) || quality < 0 || quality > 10) throw new RangeError(`Resampler quality must be 0–10 (got ${quality}).`);
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.#sampleFormat = sampleFormat;
    this.#lengthsPointer = speex._malloc(8);
    const handle = speex._speex_resampler_init(1, fromRate, toRate, quality, this.#lengthsPointer);
    if (handle === 0) {
      speex._free(this.#lengthsPointer);
      throw new Error(`Speex resampler refused ${fromRate} → ${toRate} Hz (error ${speex.HEAP32[this.#lengthsPointer >> 2]}).`);
    }
    // Start output at the filter's centre instead of emitting its half-length of leading zeros.
    speex._speex_resampler_skip_zeros(handle);
    this.#state = { status: 'open', speex, handle };
  }

  /** Resamples the next chunk; returns whatever output is ready (may be a few samples short of the ratio until flush()). */
  push(chunk: T): T {
    const state = this.#requireOpen('push');
    if (this.#flushed) throw new Error('StreamingResampler.push() after flush()');
    this.#inputCount += chunk.length;
    const input = chunk instanceof Int16Array ? int16ToFloat32(chunk) : (chunk as Float32Array);
    return this.#convert(this.#process(state, input, Infinity));
  }

  /** Drains the filter tail so the total output matches the input duration exactly. Call once, after the last push(). */
  flush(): T {
    const state = this.#requireOpen('flush');
    if (this.#flushed) return this.#convert(new Float32Array(0));
    this.#flushed = true;
    const expectedTotal = Math.round((this.#inputCount * this.toRate) / this.fromRate);
    const wanted = Math.max(0, expectedTotal - this.#outputCount);
    // The filter holds input_latency samples of history; pushing that many zeros releases them.
    const latency = state.speex._speex_resampler_get_input_latency(state.handle);
    const tail = this.#process(state, new Float32Array(latency + 2), wanted);
    return this.#convert(tail.length > wanted ? tail.subarray(0, wanted) : tail);
  }

  /** Frees the wasm state and buffers. Safe to call more than once. */
  close(): void {
    const state = this.#state;
    if (state.status === 'closed') return;
    this.#state = { status: 'closed' };
    state.speex._speex_resampler_destroy(state.handle);
    if (this.#inputPointer) state.speex._free(this.#inputPointer);
    if (this.#outputPointer) state.speex._free(this.#outputPointer);
    state.speex._free(this.#lengthsPointer);
  }

  #requireOpen(operation: string): Extract<ResamplerState, { status: 'open' }> {
    if (this.#state.status !== 'open') throw new Error(`StreamingResampler.${operation}() after close()`);
    return this.#state;
  }

  #process(state: Extract<ResamplerState, { status: 'open' }>, input: Float32Array, outputLimit: number): Float32Array {
    const { speex, handle } = state;
    this.#ensureCapacity(speex, input.length, Math.ceil((input.length * this.toRate) / this.fromRate) + 16);
    speex.HEAPF32.set(input, this.#inputPointer >> 2);
    const pieces: Float32Array[] = [];
    let consumed = 0;
    let produced = 0;
    while (consumed < input.length && produced < outputLimit) {
      // Re-read the heap views every call: a malloc elsewhere may have grown (and replaced) the wasm memory.
      speex.HEAPU32[this.#lengthsPointer >> 2] = input.length - consumed;
      speex.HEAPU32[(this.#lengthsPointer >> 2) + 1] = this.#outputCapacity;
      speex._speex_resampler_process_float(handle, 0, this.#inputPointer + consumed * 4, this.#lengthsPointer, this.#outputPointer, this.#lengthsPointer + 4);
      const usedIn = speex.HEAPU32[this.#lengthsPointer >> 2]!;
      const madeOut = speex.HEAPU32[(this.#lengthsPointer >> 2) + 1]!;
      if (usedIn === 0 && madeOut === 0) break;
      consumed += usedIn;
      produced += madeOut;
      pieces.push(speex.HEAPF32.slice(this.#outputPointer >> 2, (this.#outputPointer >> 2) + madeOut));
    }
    this.#outputCount += Math.min(produced, outputLimit);
    return concatSamples(Float32Array, pieces);
  }

  #ensureCapacity(speex: SpeexResamplerModule, inputLength: number, outputLength: number): void {
    if (inputLength > this.#inputCapacity) {
      if (this.#inputPointer) speex._free(this.#inputPointer);
      this.#inputCapacity = inputLength;
      this.#inputPointer = speex._malloc(inputLength * 4);
    }
    if (outputLength > this.#outputCapacity) {
      if (this.#outputPointer) speex._free(this.#outputPointer);
      this.#outputCapacity = outputLength;
      this.#outputPointer = speex._malloc(outputLength * 4);
    }
  }

  #convert(samples: Float32Array): T {
    return (this.#sampleFormat === 'int16' ? float32ToInt16(samples) : samples) as T;
  }
}
