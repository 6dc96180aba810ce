import type { UtteranceOutcome } from '../playback/AudioSink.ts';
import type { Platform } from '../voices/Voice.ts';

/*
 * The overlay page's WebSocket protocol. Text frames carry JSON messages; binary frames carry audio segments.
 * The page (src/overlay/pages/overlay.js) implements the other side; keep both in step.
 *
 * Per utterance the server sends: begin → binary segments (index 0, 1, …) → end. The page plays the segments
 * back to back, reports `started` when the first sample is audible, `progress` every ~250 ms while the
 * utterance is its business (a heartbeat, also while paused), and `ended` once, when the audio has played out
 * or stopped. The page answers `ended` with outcome 'duplicate' to a job it has played before (it never plays
 * one twice, across reconnects and bot restarts).
 */

export const OVERLAY_PROTOCOL_VERSION = 1;

export interface OverlaySpeaker {
  readonly name: string;
  readonly platform: Platform;
}

export type ServerMessage =
  | { readonly type: 'hello'; readonly version: number; readonly target: string; readonly paused: boolean }
  | {
      readonly type: 'begin';
      readonly jobId: string;
      readonly speaker: OverlaySpeaker;
      readonly text: string;
      /** A paid message's amount as the platform shows it, e.g. "¥30"; absent for ordinary chat. */
      readonly paid?: string;
    }
  /** All audio of the job was sent ('finished'), or it must stop now ('skipped', 'failed'). */
  | { readonly type: 'end'; readonly jobId: string; readonly outcome: UtteranceOutcome }
  | { readonly type: 'pause'; readonly paused: boolean };

export type PageEndOutcome = 'finished' | 'skipped' | 'failed' | 'duplicate';

export type PageMessage =
  | { readonly type: 'started'; readonly jobId: string }
  | { readonly type: 'progress'; readonly jobId: string; readonly playedMs: number }
  | { readonly type: 'ended'; readonly jobId: string; readonly outcome: PageEndOutcome };

const PAGE_OUTCOMES: readonly PageEndOutcome[] = ['finished', 'skipped', 'failed', 'duplicate'];
const MAX_JOB_ID_LENGTH = 200;

/** Reads a page's text frame; anything malformed gives undefined (a page cannot make the server throw). */
export function parsePageMessage(raw: string): PageMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  const { jobId } = message;
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > MAX_JOB_ID_LENGTH) return undefined;
  switch (message.type) {
    case 'started':
      return { type: 'started', jobId };
    case 'progress': {
      const { playedMs } = message;
      if (typeof playedMs !== 'number' || !Number.isFinite(playedMs) || playedMs < 0) return undefined;
      return { type: 'progress', jobId, playedMs };
    }
    case 'ended': {
      const outcome = message.outcome as PageEndOutcome;
      if (!PAGE_OUTCOMES.includes(outcome)) return undefined;
      return { type: 'ended', jobId, outcome };
    }
    default:
      return undefined;
  }
}

/**
 * A binary frame: u16 (big-endian) length of the job id, the job id in UTF-8, u32 segment index, then one
 * complete Ogg Opus file.
 */
export function encodeSegmentFrame(jobId: string, index: number, ogg: Buffer): Buffer {
  const id = Buffer.from(jobId, 'utf8');
  const header = Buffer.alloc(2 + id.length + 4);
  header.writeUInt16BE(id.length, 0);
  id.copy(header, 2);
  header.writeUInt32BE(index, 2 + id.length);
  return Buffer.concat([header, ogg]);
}
