import type { AudioFrame } from './AudioFrame.ts';
import type { UtteranceInfo } from './UtteranceInfo.ts';

export type { AudioFrame } from './AudioFrame.ts';
export type { UtteranceInfo } from './UtteranceInfo.ts';

/** How an utterance ended, as far as a sink is concerned. */
export type UtteranceOutcome = 'finished' | 'skipped' | 'failed';

/**
 * Where a player's audio goes (Discord voice, the overlay, a file). For each utterance a sink gets exactly
 * one `begin`, then its frames in order, then exactly one `end`; utterances never overlap.
 *
 * Any method may return a Promise and the player waits for it before the next call: that is how a sink
 * paces playback in real time (a Discord sink resolves each `write` when the frame is due). When several
 * sinks are attached the slowest one sets the pace. A sink that throws is reported and kept.
 */
export interface AudioSink {
  begin(utterance: UtteranceInfo): void | Promise<void>;
  write(frame: AudioFrame): void | Promise<void>;
  end(utterance: UtteranceInfo, outcome: UtteranceOutcome): void | Promise<void>;
}
