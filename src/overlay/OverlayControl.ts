import type { MutedViewer } from '../chat/MuteList.ts';
import type { PlayerSnapshot } from '../playback/Player.ts';
import type { Platform } from '../voices/Voice.ts';

/** Live figures for one target, for the control page. */
export interface TargetFigures {
  readonly queueDepth: number;
  /** Enqueue → first frame written to the outputs, over the last utterances. */
  readonly latency: { readonly samples: number; readonly lastMs: number | undefined; readonly p50Ms: number | undefined; readonly p95Ms: number | undefined };
  readonly spoken: number;
}

export interface TargetState {
  readonly player: PlayerSnapshot;
  readonly figures: TargetFigures;
}

/** The synthesis queue's counters; `redis` only when synthesis runs on workers through Redis. */
export interface SynthesisFigures {
  readonly waiting: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly redis?: {
    /** Whether the bot reaches Redis right now: a moderator sees an outage without reading logs. */
    readonly connected: boolean;
    /** Jobs synthesised in the bot itself because Redis was unreachable (SYNTHESIS_FALLBACK=inprocess). */
    readonly fallbackJobs: number;
  };
}

export interface ControlState {
  readonly targets: readonly TargetState[];
  readonly mutes: readonly MutedViewer[];
  /** Messages not read, by reason (chat policy and playback, every target). */
  readonly drops: Readonly<Record<string, number>>;
  readonly synthesis: SynthesisFigures;
}

export interface VoiceSummary {
  readonly id: string;
  readonly name: string;
  readonly language: string;
  readonly owner: string;
  readonly scope: string;
}

export interface ViewerRef {
  readonly platform: Platform;
  readonly userId: string;
}

/**
 * What the control page can do, in plain terms. The server knows nothing of Chorus beyond this, so the page's
 * HTTP handlers stay thin; ChorusOverlayControl implements it over the running pipeline.
 */
export interface OverlayControl {
  state(): ControlState;
  /** Without a job id: the current utterance. Returns whether anything was skipped. */
  skip(target: string, jobId?: string): boolean;
  /** Drops everything waiting; returns how many. */
  clear(target: string): number;
  setPaused(target: string, paused: boolean): void;
  /** Mutes a viewer everywhere and silences what they have queued. Returns how many utterances were dropped. */
  mute(viewer: ViewerRef & { readonly displayName: string }): number;
  unmute(viewer: ViewerRef): boolean;
  voices(): Promise<readonly VoiceSummary[]>;
  /** Speaks `text` in a voice on a target. Returns why not, or undefined when it was queued. */
  tryVoice(request: { readonly voiceId: string; readonly text: string; readonly target: string }): Promise<string | undefined>;
}
