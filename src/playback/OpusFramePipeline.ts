import { OPUS_SAMPLE_RATE, OpusFrameEncoder } from '../audio/OpusFrameEncoder.ts';
import { StreamingResampler } from '../audio/StreamingResampler.ts';
import type { PcmChunk } from '../audio/PcmChunk.ts';
import type { AudioFrame } from './AudioFrame.ts';
import type { FramePipeline } from './FramePipeline.ts';

/**
 * The production frame pipeline: engine PCM → speex resampler (skipped at 48 kHz) → 20 ms Opus packets.
 * Stereo Opus because Discord plays stereo; `pcm` in each frame stays the mono 48 kHz input.
 */
export async function createOpusFramePipeline(sampleRate: number): Promise<FramePipeline> {
  const resampler =
    sampleRate === OPUS_SAMPLE_RATE ? undefined : await StreamingResampler.create({ fromRate: sampleRate, toRate: OPUS_SAMPLE_RATE, sampleFormat: 'int16' });
  const encoder = new OpusFrameEncoder();
  return {
    push(chunk: PcmChunk): AudioFrame[] {
      return encoder.push(resampler ? resampler.push(chunk.samples) : chunk.samples);
    },
    end(): AudioFrame[] {
      const tail = resampler ? encoder.push(resampler.flush()) : [];
      return [...tail, ...encoder.end()];
    },
    close(): void {
      resampler?.close();
    },
  };
}
