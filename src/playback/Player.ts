import { EventEmitter } from 'node:events';
import type { SynthesisQueue } from '../queue/SynthesisQueue.ts';
import type { PlaybackTargetId, SpeechJob } from '../speech/SpeechJob.ts';
import { ChorusError, isCancelled } from '../util/ChorusError.ts';
import type { AudioFrame } from './AudioFrame.ts';
import type { AudioSink, UtteranceOutcome } from './AudioSink.ts';
import type { FramePipeline, FramePipelineFactory } from './FramePipeline.ts';
import type { DropReason, EnqueueResult, JobDrop, PlaybackQueue, PlaybackQueueSnapshot, QueuedSpeech, SpeakerKey } from './PlaybackQueue.ts';
import { PlayerStatus, type PlayerState } from './PlayerState.ts';
import type { UtteranceInfo } from './UtteranceInfo.ts';
import type { UtteranceReport } from './UtteranceReport.ts';
import { UtteranceSynthesis, type VoiceResolver } from './UtteranceSynthesis.ts';

export interface PlayerOptions {
  /** The target's queue; the player takes from it and owns what it takes. */
  readonly queue: PlaybackQueue;
  readonly synthesis: SynthesisQueue;
  readonly resolveVoice: VoiceResolver;
  readonly createFramePipeline: FramePipelineFactory;
  /** Start synthesising the next utterance while this one plays, to hide engine latency. Default true. */
  readonly prefetch?: boolean;
  /** How many recent job ids to remember so none is played twice. Default 10 000. */
  readonly rememberJobIds?: number;
}

export interface PlayerEvents {
  stateChange: [oldState: PlayerState, newState: PlayerState];
  /** A job that will not be spoken: dropped by the queue, or taken and then skipped/expired/cleared before any audio. */
  drop: [drop: JobDrop];
  /** The sinks are about to receive an utterance's first frame. */
  utteranceStart: [utterance: UtteranceInfo];
  /** Every taken job that was not reported as a drop ends here exactly once (finished, skipped mid-way, failed). */
  utteranceEnd: [report: UtteranceReport];
  /** A sink threw; it stays attached. */
  sinkError: [error: unknown, sink: AudioSink];
  /** A bug (e.g. a throwing event listener) interrupted an utterance; the player carries on with the next one. */
  unexpectedError: [error: unknown];
}

/** Plain JSON for `/queue` and the control page: what is playing and what waits. */
export interface PlayerSnapshot {
  readonly target: PlaybackTargetId;
  readonly status: PlayerState['status'];
  readonly paused: boolean;
  readonly current: (UtteranceInfo & { readonly framesWritten: number; readonly started: boolean }) | undefined;
  readonly queue: PlaybackQueueSnapshot;
}

/** The utterance being played and what has happened to it so far. */
interface CurrentUtterance {
  readonly entry: QueuedSpeech;
  readonly utterance: UtteranceInfo;
  readonly synthesis: UtteranceSynthesis;
  /** Why it was stopped early, if it was. */
  stopReason: 'skipped' | 'cleared' | undefined;
  /** Sinks that received `begin` and are owed an `end`. */
  readonly sinks: Set<AudioSink>;
  started: boolean;
  framesWritten: number;
  receivedFirstChunkAt: number | undefined;
  firstFrameAt: number | undefined;
}

/** Raised when a job is offered to a player that has been closed. */
export class PlayerClosedError extends ChorusError {
  constructor(target: PlaybackTargetId) {
    super('player-closed', `The player for "${target}" has been shut down; start it again to read messages.`);
  }
}

function utteranceOf(job: SpeechJob): UtteranceInfo {
  const info = { jobId: job.id, target: job.target, speaker: job.speaker, displayText: job.displayText, voiceId: job.voiceId, priority: job.priority };
  return job.paidAmount === undefined ? info : { ...info, paidAmount: job.paidAmount };
}

/**
 * Speaks one target's queue: takes the next job, has it synthesised, turns its PCM into 20 ms frames and
 * writes them to every attached sink, one utterance at a time, in queue order. Each job id is played at most once.
 *
 * State machine: idle → synthesising (job taken, no audio yet) → playing (frames flowing) → idle or the next
 * job's synthesising; paused from any state, and back to where it was on resume.
 */
export class Player extends EventEmitter<PlayerEvents> {
  readonly target: PlaybackTargetId;
  readonly queue: PlaybackQueue;
  readonly #synthesis: SynthesisQueue;
  readonly #resolveVoice: VoiceResolver;
  readonly #createFramePipeline: FramePipelineFactory;
  readonly #prefetchEnabled: boolean;
  readonly #rememberJobIds: number;
  readonly #sinks = new Set<AudioSink>();
  /** Ids taken from the queue (insertion-ordered, trimmed to `rememberJobIds`). */
  readonly #handledIds = new Set<string>();
  /** Synthesis started ahead of its turn; the job is still in the queue. */
  readonly #prefetched = new Map<string, UtteranceSynthesis>();
  #state: PlayerState = { status: PlayerStatus.Idle };
  #current: CurrentUtterance | undefined;
  #paused = false;
  #closed = false;
  #waiters: (() => void)[] = [];
  readonly #loop: Promise<void>;
  readonly #onQueueAdd = (): void => {
    this.#notify();
    this.#prefetch();
  };
  readonly #onQueueDrop = (drop: JobDrop): void => {
    this.#prefetched.get(drop.job.id)?.cancel();
    this.#prefetched.delete(drop.job.id);
    this.emit('drop', drop);
  };

  constructor(options: PlayerOptions) {
    super();
    this.queue = options.queue;
    this.target = options.queue.target;
    this.#synthesis = options.synthesis;
    this.#resolveVoice = options.resolveVoice;
    this.#createFramePipeline = options.createFramePipeline;
    this.#prefetchEnabled = options.prefetch ?? true;
    this.#rememberJobIds = options.rememberJobIds ?? 10_000;
    this.queue.on('add', this.#onQueueAdd);
    this.queue.on('drop', this.#onQueueDrop);
    this.#loop = this.#run();
  }

  get state(): PlayerState {
    return this.#state;
  }

  /** The utterance taken from the queue and not yet ended. */
  get current(): UtteranceInfo | undefined {
    return this.#current?.utterance;
  }

  snapshot(): PlayerSnapshot {
    const current = this.#current;
    return {
      target: this.target,
      status: this.#state.status,
      paused: this.#paused,
      current: current ? { ...current.utterance, framesWritten: current.framesWritten, started: current.started } : undefined,
      queue: this.queue.snapshot(),
    };
  }

  attach(sink: AudioSink): void {
    // A sink attached mid-utterance joins at the next one, so it never gets frames without a begin.
    this.#sinks.add(sink);
  }

  detach(sink: AudioSink): void {
    this.#sinks.delete(sink);
    const current = this.#current;
    if (current?.sinks.delete(sink)) void this.#callSink(sink, () => sink.end(current.utterance, 'skipped'));
  }

  /** Queues a job for this target. Refuses ids already queued, playing or played. */
  enqueue(job: SpeechJob): EnqueueResult {
    if (this.#closed) throw new PlayerClosedError(this.target);
    if (this.#handledIds.has(job.id)) return { accepted: false, reason: 'duplicate' };
    return this.queue.enqueue(job);
  }

  /**
   * Without an id, or with the current one: stops the current utterance, even while it is still being synthesised
   * (its synthesis is cancelled). With another id: removes that job from the queue. Returns whether anything was skipped.
   */
  skip(jobId?: string): boolean {
    const current = this.#current;
    if (current && (jobId === undefined || jobId === current.utterance.jobId)) {
      this.#stopCurrent(current, 'skipped');
      return true;
    }
    if (jobId === undefined) return false;
    return this.queue.remove(jobId, 'skipped');
  }

  /**
   * Drops waiting jobs: all of them, or one speaker's. With a speaker, that speaker's current utterance is
   * stopped too (muting someone should silence them now); without, the current utterance plays on (use `stop()`).
   * Returns how many jobs were dropped or stopped.
   */
  clear(speaker?: SpeakerKey): number {
    let count = this.queue.clear(speaker).length;
    const current = this.#current;
    if (speaker && current && current.utterance.speaker.platform === speaker.platform && current.utterance.speaker.userId === speaker.userId) {
      this.#stopCurrent(current, 'cleared');
      count += 1;
    }
    return count;
  }

  pause(): void {
    if (this.#paused || this.#closed) return;
    this.#paused = true;
    const state = this.#state;
    if (state.status === PlayerStatus.Paused) return;
    this.#setState({
      status: PlayerStatus.Paused,
      utterance: state.status === PlayerStatus.Idle ? undefined : state.utterance,
      resumeTo: state.status,
    });
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    const state = this.#state;
    if (state.status === PlayerStatus.Paused) {
      if (state.resumeTo === PlayerStatus.Idle || state.utterance === undefined) this.#setState({ status: PlayerStatus.Idle });
      else this.#setState({ status: state.resumeTo, utterance: state.utterance });
    }
    this.#notify();
    this.#prefetch();
  }

  /** Silence now: drops every waiting job, stops the current utterance, and un-pauses. The player keeps running. */
  stop(): void {
    this.queue.clear();
    for (const synthesis of this.#prefetched.values()) synthesis.cancel();
    this.#prefetched.clear();
    if (this.#current) this.#stopCurrent(this.#current, 'cleared');
    this.resume();
  }

  /** Stops for good: like `stop()`, then waits for the current utterance to wind down. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.stop();
      this.#closed = true;
      this.queue.off('add', this.#onQueueAdd);
      this.queue.off('drop', this.#onQueueDrop);
      this.#notify();
    }
    await this.#loop;
  }

  #stopCurrent(current: CurrentUtterance, reason: 'skipped' | 'cleared'): void {
    current.stopReason ??= reason;
    current.synthesis.cancel();
    this.#notify();
  }

  #setState(next: PlayerState): void {
    const previous = this.#state;
    this.#state = next;
    this.emit('stateChange', previous, next);
  }

  /** Moves to `status` for the current utterance, or records it as the place to resume to while paused. */
  #enter(status: typeof PlayerStatus.Idle): void;
  #enter(status: typeof PlayerStatus.Synthesising | typeof PlayerStatus.Playing, utterance: UtteranceInfo): void;
  #enter(status: 'idle' | 'synthesising' | 'playing', utterance?: UtteranceInfo): void {
    const state = this.#state;
    if (this.#paused) {
      if (state.status !== PlayerStatus.Paused || state.resumeTo !== status || state.utterance !== utterance) {
        this.#setState({ status: PlayerStatus.Paused, utterance, resumeTo: status });
      }
      return;
    }
    if (status === PlayerStatus.Idle || utterance === undefined) {
      if (state.status !== PlayerStatus.Idle) this.#setState({ status: PlayerStatus.Idle });
      return;
    }
    if (state.status !== status || !('utterance' in state) || state.utterance !== utterance) this.#setState({ status, utterance });
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves at the next skip, pause/resume, queue addition or close; callers re-check their condition. */
  #changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #remember(jobId: string): void {
    this.#handledIds.add(jobId);
    if (this.#handledIds.size > this.#rememberJobIds) {
      const oldest = this.#handledIds.values().next().value;
      if (oldest !== undefined) this.#handledIds.delete(oldest);
    }
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const entry = this.#paused ? undefined : this.queue.take();
      if (!entry) {
        await this.#changed();
        continue;
      }
      if (this.#handledIds.has(entry.job.id)) {
        // Put in the queue behind the player's back after it was played: never speak it twice.
        this.emit('drop', { job: entry.job, reason: 'skipped', detail: 'Not read again: this message was already read.', at: Date.now() });
        continue;
      }
      this.#remember(entry.job.id);
      try {
        await this.#play(entry);
      } catch (error) {
        // #play handles engine, pipeline and sink failures itself; reaching here means a listener threw.
        // Keep speaking: one bad listener must not silence the stream.
        this.#current?.synthesis.cancel();
        this.#current = undefined;
        this.#enter(PlayerStatus.Idle);
        this.emit('unexpectedError', error);
      }
    }
    this.#enter(PlayerStatus.Idle);
  }

  /** Starts synthesising the next waiting job ahead of its turn, if prefetch is on and the current one is audible. */
  #prefetch(): void {
    if (!this.#prefetchEnabled || this.#closed || this.#paused || this.#prefetched.size > 0) return;
    if (!this.#current?.started) return;
    const next = this.queue.peek();
    if (!next || this.#handledIds.has(next.job.id)) return;
    this.#prefetched.set(next.job.id, new UtteranceSynthesis(next.job, this.#synthesis, this.#resolveVoice));
  }

  async #play(entry: QueuedSpeech): Promise<void> {
    const { job } = entry;
    const prefetched = this.#prefetched.get(job.id);
    this.#prefetched.delete(job.id);
    const current: CurrentUtterance = {
      entry,
      utterance: utteranceOf(job),
      synthesis: prefetched ?? new UtteranceSynthesis(job, this.#synthesis, this.#resolveVoice),
      stopReason: undefined,
      sinks: new Set(),
      started: false,
      framesWritten: 0,
      receivedFirstChunkAt: undefined,
      firstFrameAt: undefined,
    };
    this.#current = current;
    this.#enter(PlayerStatus.Synthesising, current.utterance);

    let pipeline: FramePipeline | undefined;
    let sampleRate = 0;
    let outcome: UtteranceOutcome | 'expired' = 'finished';
    let error: unknown;
    try {
      stream: for await (const chunk of current.synthesis.chunks()) {
        current.receivedFirstChunkAt ??= Date.now();
        if (!pipeline) {
          sampleRate = chunk.sampleRate;
          pipeline = await this.#createFramePipeline(sampleRate);
        } else if (chunk.sampleRate !== sampleRate) {
          throw new ChorusError('sample-rate-changed', `The voice engine changed sample rate mid-utterance (${sampleRate} → ${chunk.sampleRate} Hz).`);
        }
        for (const frame of pipeline.push(chunk)) {
          if (!(await this.#write(current, frame))) break stream;
        }
      }
      if (pipeline && !current.stopReason) {
        for (const frame of pipeline.end()) {
          if (!(await this.#write(current, frame))) break;
        }
      }
      if (current.stopReason) outcome = 'skipped';
    } catch (caught) {
      if (current.stopReason) outcome = 'skipped';
      // By code rather than class: the queue is upstream (types only), and a remote queue rebuilds errors from codes.
      else if (caught instanceof ChorusError && caught.code === 'deadline-exceeded') outcome = 'expired';
      else if (isCancelled(caught)) {
        // Cancelled from outside the player (synthesis queue shutting down): not a failure.
        current.stopReason = 'cleared';
        outcome = 'skipped';
      } else {
        outcome = 'failed';
        error = caught;
      }
    } finally {
      pipeline?.close();
    }
    await this.#finish(current, outcome, error);
  }

  /** Writes one frame to the utterance's sinks, waiting out a pause. Returns false once the utterance was stopped. */
  async #write(current: CurrentUtterance, frame: AudioFrame): Promise<boolean> {
    while (this.#paused && !current.stopReason && !this.#closed) await this.#changed();
    if (current.stopReason) return false;
    if (!current.started) {
      current.started = true;
      current.firstFrameAt = Date.now();
      for (const sink of this.#sinks) current.sinks.add(sink);
      this.emit('utteranceStart', current.utterance);
      await Promise.all([...current.sinks].map((sink) => this.#callSink(sink, () => sink.begin(current.utterance))));
      this.#enter(PlayerStatus.Playing, current.utterance);
      this.#prefetch();
      if (current.stopReason) return false;
    }
    await Promise.all([...current.sinks].map((sink) => this.#callSink(sink, () => sink.write(frame))));
    current.framesWritten += 1;
    return !current.stopReason;
  }

  async #callSink(sink: AudioSink, call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.emit('sinkError', error, sink);
    }
  }

  async #finish(current: CurrentUtterance, outcome: UtteranceOutcome | 'expired', error: unknown): Promise<void> {
    const { job } = current.entry;
    const endedAt = Date.now();
    if (current.started) {
      const sinkOutcome: UtteranceOutcome = outcome === 'expired' ? 'failed' : outcome;
      await Promise.all([...current.sinks].map((sink) => this.#callSink(sink, () => sink.end(current.utterance, sinkOutcome))));
      current.sinks.clear();
    }
    this.#current = undefined;
    if (!current.started && (outcome === 'skipped' || outcome === 'expired')) {
      const reason: DropReason = outcome === 'expired' ? 'expired' : (current.stopReason ?? 'skipped');
      const detail =
        outcome === 'expired'
          ? 'Not read: its deadline passed before the voice engine could start on it.'
          : reason === 'cleared'
            ? 'Cleared before it was read.'
            : 'Skipped before it was read.';
      this.emit('drop', { job, reason, detail, at: endedAt });
    } else {
      const timings = current.synthesis.timings();
      const firstChunkAt = timings?.firstChunkAt ?? current.receivedFirstChunkAt;
      const { enqueuedAt } = current.entry;
      const report: UtteranceReport = {
        utterance: current.utterance,
        outcome: outcome === 'expired' ? 'failed' : outcome,
        started: current.started,
        framesWritten: current.framesWritten,
        ...(error === undefined ? {} : { error }),
        metrics: {
          enqueuedAt,
          submittedAt: timings?.submittedAt,
          firstChunkAt,
          firstFrameAt: current.firstFrameAt,
          endedAt,
          queuedToFirstChunkMs: firstChunkAt === undefined ? undefined : firstChunkAt - enqueuedAt,
          firstChunkToFirstFrameMs: firstChunkAt === undefined || current.firstFrameAt === undefined ? undefined : current.firstFrameAt - firstChunkAt,
          totalMs: endedAt - enqueuedAt,
        },
      };
      this.emit('utteranceEnd', report);
    }
    this.#enter(PlayerStatus.Idle);
  }
}
