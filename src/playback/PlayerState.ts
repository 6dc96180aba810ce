import type { UtteranceInfo } from './UtteranceInfo.ts';

/** The player's states, as values (no enums under erasableSyntaxOnly). */
export const PlayerStatus = {
  /** Nothing to say. */
  Idle: 'idle',
  /** An utterance was taken from the queue; waiting for its first audio frame. */
  Synthesising: 'synthesising',
  /** Frames of an utterance are being written to the sinks. */
  Playing: 'playing',
  /** Holding: no frames are written and no new utterance starts until `resume()`. */
  Paused: 'paused',
} as const;
export type PlayerStatus = (typeof PlayerStatus)[keyof typeof PlayerStatus];

export interface PlayerIdleState {
  readonly status: typeof PlayerStatus.Idle;
}

export interface PlayerSynthesisingState {
  readonly status: typeof PlayerStatus.Synthesising;
  readonly utterance: UtteranceInfo;
}

export interface PlayerPlayingState {
  readonly status: typeof PlayerStatus.Playing;
  readonly utterance: UtteranceInfo;
}

export interface PlayerPausedState {
  readonly status: typeof PlayerStatus.Paused;
  /** The utterance held mid-way, if any. */
  readonly utterance: UtteranceInfo | undefined;
  /** Where `resume()` goes back to. */
  readonly resumeTo: typeof PlayerStatus.Idle | typeof PlayerStatus.Synthesising | typeof PlayerStatus.Playing;
}

export type PlayerState = PlayerIdleState | PlayerSynthesisingState | PlayerPlayingState | PlayerPausedState;
