import type { UtteranceOutcome } from './AudioSink.ts';
import type { UtteranceInfo } from './UtteranceInfo.ts';

/** Timestamps (ms since the epoch) and the latencies derived from them, for one utterance. */
export interface UtteranceMetrics {
  /** Entered the playback queue. */
  readonly enqueuedAt: number;
  /** Handed to the synthesis queue (earlier than its turn when prefetched). */
  readonly submittedAt: number | undefined;
  /** The engine produced its first PCM chunk. */
  readonly firstChunkAt: number | undefined;
  /** The first frame was written to the sinks. */
  readonly firstFrameAt: number | undefined;
  readonly endedAt: number;
  /** enqueued → first chunk: queue wait plus synthesis latency. */
  readonly queuedToFirstChunkMs: number | undefined;
  /** first chunk → first frame: framing and encoding, plus waiting for the previous utterance when prefetched. */
  readonly firstChunkToFirstFrameMs: number | undefined;
  /** enqueued → end. */
  readonly totalMs: number;
}

/**
 * How one utterance the player took from its queue ended. `started` says whether the sinks received it
 * (begin … end); a failure before any audio has `started: false`.
 */
export interface UtteranceReport {
  readonly utterance: UtteranceInfo;
  readonly outcome: UtteranceOutcome;
  readonly started: boolean;
  readonly framesWritten: number;
  /** Set when `outcome` is 'failed'. */
  readonly error?: unknown;
  readonly metrics: UtteranceMetrics;
}
