/**
 * Loads the SpeexDSP resampler (BSD-3-Clause, compiled to wasm with SIMD) once per thread.
 * The package ships no types; this is the slice of its raw emscripten API Chorus uses.
 */
export interface SpeexResamplerModule {
  readonly HEAPF32: Float32Array;
  readonly HEAPU32: Uint32Array;
  readonly HEAP32: Int32Array;
  _malloc(byteCount: number): number;
  _free(pointer: number): void;
  /** Returns a state pointer; writes an error code to `errorPointer`. */
  _speex_resampler_init(channels: number, inputRate: number, outputRate: number, quality: number, errorPointer: number): number;
  _speex_resampler_destroy(state: number): void;
  /** Lengths are in/out pointers to uint32: on return they hold samples consumed / produced. */
  _speex_resampler_process_float(state: number, channelIndex: number, input: number, inputLength: number, output: number, outputLength: number): number;
  _speex_resampler_skip_zeros(state: number): number;
  _speex_resampler_get_input_latency(state: number): number;
}

let loading: Promise<SpeexResamplerModule> | undefined;

export function loadSpeexResampler(): Promise<SpeexResamplerModule> {
  loading ??= (async () => {
    // @ts-ignore -- untyped emscripten factory (no .d.ts in the package)
    const imported: { default: () => Promise<SpeexResamplerModule> } = await import('@echogarden/speex-resampler-wasm/simd');
    return imported.default();
  })();
  return loading;
}
