/** Every frame is 20 ms at 48 kHz: what Discord voice and Opus expect. */
export const FRAME_SAMPLE_RATE = 48_000;
export const FRAME_DURATION_MS = 20;
export const FRAME_SAMPLES = (FRAME_SAMPLE_RATE * FRAME_DURATION_MS) / 1000;

/**
 * One 20 ms frame of an utterance, in both forms sinks want: `opus` for Discord and the overlay,
 * `pcm` (960 mono samples at 48 kHz) for file writers and level meters. The last frame is zero-padded.
 */
export interface AudioFrame {
  readonly opus: Buffer;
  readonly pcm: Int16Array;
}
