import { CancelledError, ChorusError } from '../../util/ChorusError.ts';
import { BufferedSynthesisHandle } from '../BufferedSynthesisHandle.ts';
import type { SynthesisJob } from '../SynthesisQueue.ts';
import { DeadlineExceededError } from '../SynthesisQueueErrors.ts';
import type { ChunkStreamEntry } from './ChunkStreamEntry.ts';
import { ResumePosition } from './ResumePosition.ts';

/** A worker's error, rebuilt on the bot with the worker's code and message (the Player reads the code). */
export class RemoteSynthesisError extends ChorusError {
  readonly jobId: string;

  constructor(jobId: string, code: string, message: string) {
    super(code, message);
    this.jobId = jobId;
  }
}

/** queued: in Redis, no worker has started it (as far as the bot has read); running: a worker's `start` was read. */
export type RemoteHandleState = 'queued' | 'running' | 'ended';

/** `refused`: never queued (duplicate id, queue closed), so not counted in the stats. */
export type RemoteHandleOutcome = 'completed' | 'failed' | 'cancelled' | 'dropped' | 'refused';

/**
 * The bot's side of one job on the Redis queue: turns the job's stream entries into PCM chunks, forwarding
 * each part of the utterance once however many runs the job takes (see ResumePosition). Times are the bot's
 * clock (when the bot read each step), so they compare with `submittedAt` whatever the workers' clocks say.
 */
export class RemoteSynthesisHandle extends BufferedSynthesisHandle {
  readonly #position = new ResumePosition();
  readonly #onCancel: (handle: RemoteSynthesisHandle, error: CancelledError) => void;
  readonly #onEnd: (handle: RemoteSynthesisHandle, outcome: RemoteHandleOutcome) => void;
  #state: RemoteHandleState = 'queued';
  /** Last stream entry id read, for XREAD. */
  lastEntryId = '0-0';
  /** Runs seen (more than one means the job was redone). */
  readonly runs = new Set<string>();

  constructor(
    job: SynthesisJob,
    callbacks: {
      readonly onCancel: (handle: RemoteSynthesisHandle, error: CancelledError) => void;
      readonly onEnd: (handle: RemoteSynthesisHandle, outcome: RemoteHandleOutcome) => void;
    },
  ) {
    super(job);
    this.#onCancel = callbacks.onCancel;
    this.#onEnd = callbacks.onEnd;
  }

  get state(): RemoteHandleState {
    return this.#state;
  }

  cancelWith(error: CancelledError): void {
    if (this.#state === 'ended') return;
    this.#finish('cancelled');
    this.buffer.abort(error);
    this.#onCancel(this, error);
  }

  /** Ends the handle from the bot's side (deadline passed while queued, or the queue gave up on it). */
  fail(error: unknown, outcome: RemoteHandleOutcome): void {
    if (this.#state === 'ended') return;
    this.#finish(outcome);
    this.buffer.fail(error);
  }

  /** Applies one stream entry, in stream order. */
  receive(entry: ChunkStreamEntry): void {
    if (this.#state === 'ended') return;
    this.runs.add(entry.run);
    switch (entry.kind) {
      case 'start':
        if (this.#state === 'queued') {
          this.#state = 'running';
          this.mark('startedAt');
        }
        return;
      case 'chunk': {
        const samples = this.#position.take(entry.sentenceIndex, entry.offset, entry.samples);
        if (samples === undefined || samples.length === 0) return;
        this.mark('firstChunkAt');
        this.buffer.push({ samples, sampleRate: entry.sampleRate, sentenceIndex: entry.sentenceIndex });
        return;
      }
      case 'end':
        this.#finish('completed');
        this.buffer.end();
        return;
      case 'error': {
        if (entry.code === 'deadline-exceeded') {
          this.fail(new DeadlineExceededError(this.job.id, entry.deadline ?? this.job.deadline, Date.now()), 'dropped');
        } else if (entry.code === 'cancelled') {
          this.fail(new CancelledError(entry.message), 'cancelled');
        } else {
          this.fail(new RemoteSynthesisError(this.job.id, entry.code, entry.message), 'failed');
        }
        return;
      }
    }
  }

  #finish(outcome: RemoteHandleOutcome): void {
    this.#state = 'ended';
    this.mark('endedAt');
    clearTimeout(this.deadlineTimer);
    this.detachSignal();
    this.#onEnd(this, outcome);
  }
}
