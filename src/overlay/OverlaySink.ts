import type { AudioFrame } from '../playback/AudioFrame.ts';
import type { AudioSink, UtteranceInfo, UtteranceOutcome } from '../playback/AudioSink.ts';
import type { PlaybackTargetId } from '../speech/SpeechJob.ts';
import { OggSegmenter, type OggSegment } from './OggSegmenter.ts';
import { encodeSegmentFrame, type PageMessage, type ServerMessage } from './OverlayProtocol.ts';

/** One connected overlay page, as a sink sees it. */
export interface OverlayPage {
  readonly id: number;
  readonly open: boolean;
  /** A JSON text frame (a serialised ServerMessage). */
  sendText(text: string): void;
  sendBinary(frame: Buffer): void;
}

export interface OverlaySinkOptions {
  readonly target: PlaybackTargetId;
  /** Channels of the Opus frames this sink receives (the frame pipeline's setting). */
  readonly opusChannels: 1 | 2;
  /** The pages showing this target right now. */
  readonly pages: () => readonly OverlayPage[];
  /** Most audio sent ahead of what a page has played. Default 2000 ms: enough to ride out a slow sentence. */
  readonly maxLeadMs?: number;
  /** A page silent this long while the sink waits on it no longer holds playback up. Default 3000 ms. */
  readonly reportTimeoutMs?: number;
  /** Waiting packets are sent after this long even if their segment is not full (a stall in synthesis). Default 120 ms. */
  readonly flushAfterMs?: number;
  readonly segmentPackets?: readonly number[];
}

/** Delivery figures for the control page and the benchmark. */
export interface OverlaySinkStats {
  readonly utterances: number;
  /** Bytes of WebSocket payload sent to pages (audio and messages, summed over pages). */
  readonly bytesSent: number;
  /** Audio sent, summed over pages, in ms. */
  readonly audioMsSent: number;
  /** begin → the page's `started` report, most recent last (at most 200). */
  readonly startLatenciesMs: readonly number[];
}

type ParticipantStatus = 'waiting' | 'playing' | 'done';

/** A page that received an utterance's begin and is owed its audio and end. */
interface Participant {
  readonly page: OverlayPage;
  status: ParticipantStatus;
  playedMs: number;
  lastHeardAt: number;
}

interface CurrentUtterance {
  readonly info: UtteranceInfo;
  readonly beganAt: number;
  readonly segmenter: OggSegmenter;
  readonly participants: Map<number, Participant>;
  sentMs: number;
  flushTimer: NodeJS.Timeout | undefined;
}

/**
 * Sends one target's utterances to the overlay pages showing it: a `begin` with the subtitle, the audio as small
 * Ogg Opus segments, then an `end`. Playback is paced by the pages' own reports: `write` waits while more than
 * `maxLeadMs` is buffered ahead of what the pages have played, and `end` waits until they report the audio
 * played out, so the queue moves at the speed the stream hears it. With no page connected nothing waits;
 * a page that closes or stops reporting is let go after `reportTimeoutMs`, so it never stalls the queue.
 */
export class OverlaySink implements AudioSink {
  readonly target: PlaybackTargetId;
  readonly #options: OverlaySinkOptions;
  readonly #maxLeadMs: number;
  readonly #reportTimeoutMs: number;
  readonly #flushAfterMs: number;
  #current: CurrentUtterance | undefined;
  #waiters: (() => void)[] = [];
  #utterances = 0;
  #bytesSent = 0;
  #audioMsSent = 0;
  readonly #startLatencies: number[] = [];

  constructor(options: OverlaySinkOptions) {
    this.target = options.target;
    this.#options = options;
    this.#maxLeadMs = options.maxLeadMs ?? 2000;
    this.#reportTimeoutMs = options.reportTimeoutMs ?? 3000;
    this.#flushAfterMs = options.flushAfterMs ?? 120;
  }

  get stats(): OverlaySinkStats {
    return { utterances: this.#utterances, bytesSent: this.#bytesSent, audioMsSent: this.#audioMsSent, startLatenciesMs: [...this.#startLatencies] };
  }

  begin(utterance: UtteranceInfo): void {
    this.#abandonCurrent();
    const now = Date.now();
    const participants = new Map<number, Participant>();
    for (const page of this.#options.pages()) {
      if (page.open) participants.set(page.id, { page, status: 'waiting', playedMs: 0, lastHeardAt: now });
    }
    this.#current = {
      info: utterance,
      beganAt: now,
      segmenter: new OggSegmenter({ channels: this.#options.opusChannels, ...(this.#options.segmentPackets ? { segmentPackets: this.#options.segmentPackets } : {}) }),
      participants,
      sentMs: 0,
      flushTimer: undefined,
    };
    this.#utterances += 1;
    const message: ServerMessage = {
      type: 'begin',
      jobId: utterance.jobId,
      speaker: { name: utterance.speaker.displayName, platform: utterance.speaker.platform },
      text: utterance.displayText,
      ...(utterance.paidAmount === undefined ? {} : { paid: utterance.paidAmount }),
    };
    this.#broadcast(message);
  }

  async write(frame: AudioFrame): Promise<void> {
    const current = this.#current;
    if (current === undefined || this.#active(current).length === 0) return;
    const segment = current.segmenter.push(frame.opus);
    if (segment !== undefined) this.#sendSegment(current, segment);
    else if (current.flushTimer === undefined) {
      current.flushTimer = setTimeout(() => {
        current.flushTimer = undefined;
        const late = current.segmenter.flush();
        if (late !== undefined && this.#current === current) this.#sendSegment(current, late);
      }, this.#flushAfterMs);
    }
    // Keep at most maxLeadMs buffered in the slowest page that is still listening.
    await this.#waitUntil(current, () => this.#active(current).every((participant) => current.sentMs - participant.playedMs <= this.#maxLeadMs));
  }

  async end(utterance: UtteranceInfo, outcome: UtteranceOutcome): Promise<void> {
    const current = this.#current;
    if (current === undefined || current.info.jobId !== utterance.jobId) return;
    clearTimeout(current.flushTimer);
    current.flushTimer = undefined;
    if (outcome === 'finished') {
      const last = current.segmenter.flush();
      if (last !== undefined) this.#sendSegment(current, last);
    }
    this.#broadcast({ type: 'end', jobId: utterance.jobId, outcome });
    // A skip must be silent at once: the page stops on the end message, nobody waits for it to confirm.
    if (outcome === 'finished') await this.#waitUntil(current, () => this.#active(current).length === 0);
    if (this.#current === current) this.#current = undefined;
  }

  /** A page's report, routed here by the server. */
  receive(page: OverlayPage, message: PageMessage): void {
    const current = this.#current;
    const participant = current?.participants.get(page.id);
    if (current === undefined || participant === undefined || message.jobId !== current.info.jobId) return;
    participant.lastHeardAt = Date.now();
    switch (message.type) {
      case 'started':
        if (participant.status === 'waiting') {
          participant.status = 'playing';
          this.#startLatencies.push(Date.now() - current.beganAt);
          if (this.#startLatencies.length > 200) this.#startLatencies.shift();
        }
        break;
      case 'progress':
        participant.playedMs = Math.max(participant.playedMs, message.playedMs);
        break;
      case 'ended':
        participant.status = 'done';
        break;
    }
    this.#wake();
  }

  /** The page's connection closed: it no longer holds anything up. */
  pageClosed(page: OverlayPage): void {
    const participant = this.#current?.participants.get(page.id);
    if (participant !== undefined) participant.status = 'done';
    this.#wake();
  }

  /** Sends an utterance-independent message (pause) to every page of this target. */
  broadcast(message: ServerMessage): void {
    this.#broadcast(message);
  }

  /** Lets every waiting call return (server shutting down). */
  release(): void {
    const current = this.#current;
    if (current !== undefined) for (const participant of current.participants.values()) participant.status = 'done';
    this.#wake();
  }

  #active(current: CurrentUtterance): Participant[] {
    const now = Date.now();
    const active: Participant[] = [];
    for (const participant of current.participants.values()) {
      if (participant.status !== 'done' && (!participant.page.open || now - participant.lastHeardAt > this.#reportTimeoutMs)) participant.status = 'done';
      if (participant.status !== 'done') active.push(participant);
    }
    return active;
  }

  #sendSegment(current: CurrentUtterance, segment: OggSegment): void {
    const frame = encodeSegmentFrame(current.info.jobId, segment.index, segment.bytes);
    current.sentMs += segment.audioMs;
    for (const participant of this.#active(current)) {
      participant.page.sendBinary(frame);
      this.#bytesSent += frame.length;
      this.#audioMsSent += segment.audioMs;
    }
  }

  #broadcast(message: ServerMessage): void {
    const text = JSON.stringify(message);
    const current = this.#current;
    // Utterance messages go to the pages that took part in it; others to every page of the target.
    const pages = message.type === 'pause' || current === undefined ? this.#options.pages() : [...current.participants.values()].filter((p) => p.status !== 'done').map((p) => p.page);
    for (const page of pages) {
      if (!page.open) continue;
      page.sendText(text);
      this.#bytesSent += Buffer.byteLength(text);
    }
  }

  /** Resolves once `condition` holds; re-checked on every report, close, and a liveness tick. */
  async #waitUntil(current: CurrentUtterance, condition: () => boolean): Promise<void> {
    while (!condition() && this.#current === current) {
      await new Promise<void>((resolve) => {
        const tick = setTimeout(resolve, Math.min(250, this.#reportTimeoutMs));
        this.#waiters.push(() => {
          clearTimeout(tick);
          resolve();
        });
      });
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** A begin without the previous end (a player bug or a detached sink): stop the old one on the pages. */
  #abandonCurrent(): void {
    const current = this.#current;
    if (current === undefined) return;
    clearTimeout(current.flushTimer);
    this.#broadcast({ type: 'end', jobId: current.info.jobId, outcome: 'skipped' });
    this.#current = undefined;
    this.#wake();
  }
}
