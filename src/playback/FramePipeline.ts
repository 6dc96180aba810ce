import type { PcmChunk } from '../audio/PcmChunk.ts';
import type { AudioFrame } from './AudioFrame.ts';

/**
 * Turns one utterance's engine PCM (any rate) into 20 ms 48 kHz frames: resampling, framing, Opus encoding.
 * Stateful (resampler history, partial frame); one instance per utterance.
 */
export interface FramePipeline {
  /** Frames completed by this chunk; samples left over wait for the next push. */
  push(chunk: PcmChunk): AudioFrame[];
  /** Flushes the remainder as a final zero-padded frame (none if nothing is left). */
  end(): AudioFrame[];
  /** Releases resources (encoder, wasm memory). Called once, after `end` or instead of it on skip/failure. */
  close(): void;
}

/** Builds a pipeline for an utterance whose chunks all have `sampleRate`; may be async (wasm resamplers load lazily). */
export type FramePipelineFactory = (sampleRate: number) => FramePipeline | Promise<FramePipeline>;
