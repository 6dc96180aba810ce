import { PRIORITY_CLASSES, type PriorityClass } from '../speech/SpeechJob.ts';
import type { SynthesisEngine } from '../synthesis/SynthesisEngine.ts';
import { CancelledError, ChorusError, isCancelled } from '../util/ChorusError.ts';
import { BufferedSynthesisHandle } from './BufferedSynthesisHandle.ts';
import type { SynthesisHandle, SynthesisJob, SynthesisQueue, SynthesisQueueStats } from './SynthesisQueue.ts';
import { DeadlineExceededError, DuplicateJobError, QueueClosedError, SynthesisFailedError } from './SynthesisQueueErrors.ts';

export interface InProcessSynthesisQueueOptions {
  readonly engine: SynthesisEngine;
  /** How many jobs the engine runs at once. Default 1. */
  readonly concurrency?: number;
}

/** setTimeout overflows above this (about 24.8 days) and fires at once; later deadlines are checked at start only. */
const MAX_TIMER_MS = 2_147_483_647;

type QueuedJobState = 'waiting' | 'running' | 'ended';

/** Bookkeeping for one submitted job. */
class QueuedJob extends BufferedSynthesisHandle {
  readonly abort = new AbortController();
  state: QueuedJobState = 'waiting';
  /** Set once cancel/close decided the outcome, so the engine loop's own ending does not count it again. */
  cancelled = false;
  readonly #onCancel: (job: QueuedJob, error: CancelledError) => void;

  constructor(job: SynthesisJob, onCancel: (job: QueuedJob, error: CancelledError) => void) {
    super(job);
    this.#onCancel = onCancel;
  }

  cancelWith(error: CancelledError): void {
    if (this.cancelled || this.buffer.ended) return;
    this.#onCancel(this, error);
  }
}

/**
 * Runs synthesis jobs on one engine in this process: at most `concurrency` at a time, highest priority
 * class first and FIFO within a class. Jobs whose deadline passes while they wait are dropped unread.
 */
export class InProcessSynthesisQueue implements SynthesisQueue {
  readonly #engine: SynthesisEngine;
  readonly #concurrency: number;
  /** One FIFO per priority class, in PRIORITY_CLASSES order. */
  readonly #waiting: QueuedJob[][] = PRIORITY_CLASSES.map(() => []);
  /** Waiting and running jobs by id, for de-duplication. */
  readonly #active = new Map<string, QueuedJob>();
  readonly #runs = new Set<Promise<void>>();
  #running = 0;
  #closed = false;
  #counts = { completed: 0, failed: 0, cancelled: 0, dropped: 0 };

  constructor(options: InProcessSynthesisQueueOptions) {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ChorusError('invalid-concurrency', `Synthesis concurrency must be a whole number of at least 1 (got ${concurrency}).`);
    }
    this.#engine = options.engine;
    this.#concurrency = concurrency;
  }

  submit(job: SynthesisJob, signal?: AbortSignal): SynthesisHandle {
    const queued = new QueuedJob(job, (target, error) => this.#cancel(target, error));
    if (this.#closed) {
      queued.state = 'ended';
      queued.buffer.fail(new QueueClosedError(job.id));
      return queued;
    }
    if (this.#active.has(job.id)) {
      queued.state = 'ended';
      queued.buffer.fail(new DuplicateJobError(job.id));
      return queued;
    }
    if (signal?.aborted) {
      queued.state = 'ended';
      this.#counts.cancelled += 1;
      queued.buffer.fail(new CancelledError(`Reading message ${job.id} was cancelled before it was queued.`));
      return queued;
    }
    const now = Date.now();
    if (job.deadline <= now) {
      queued.state = 'ended';
      this.#counts.dropped += 1;
      queued.buffer.fail(new DeadlineExceededError(job.id, job.deadline, now));
      return queued;
    }

    this.#active.set(job.id, queued);
    this.#bucket(job.priority).push(queued);
    if (signal) {
      const onAbort = (): void => queued.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      queued.detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
    const delay = job.deadline - now;
    if (delay <= MAX_TIMER_MS) {
      queued.deadlineTimer = setTimeout(() => this.#expire(queued), delay);
      // A pending deadline must not keep the process alive on shutdown.
      queued.deadlineTimer.unref();
    }
    this.#pump();
    return queued;
  }

  stats(): SynthesisQueueStats {
    let waiting = 0;
    for (const bucket of this.#waiting) waiting += bucket.length;
    return { waiting, running: this.#running, ...this.#counts };
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const queued of [...this.#active.values()]) queued.cancelWith(new QueueClosedError(queued.job.id));
    }
    while (this.#runs.size > 0) await Promise.allSettled([...this.#runs]);
  }

  #bucket(priority: PriorityClass): QueuedJob[] {
    const index = PRIORITY_CLASSES.indexOf(priority);
    // An unknown class (e.g. from a newer producer over Redis) waits with the lowest one rather than being lost.
    return (this.#waiting[index] ?? this.#waiting[this.#waiting.length - 1]) as QueuedJob[];
  }

  #removeWaiting(queued: QueuedJob): void {
    const bucket = this.#bucket(queued.job.priority);
    const index = bucket.indexOf(queued);
    if (index >= 0) bucket.splice(index, 1);
  }

  #settle(queued: QueuedJob): void {
    queued.state = 'ended';
    queued.mark('endedAt');
    clearTimeout(queued.deadlineTimer);
    queued.detachSignal();
    if (this.#active.get(queued.job.id) === queued) this.#active.delete(queued.job.id);
  }

  #expire(queued: QueuedJob): void {
    if (queued.state !== 'waiting') return;
    this.#removeWaiting(queued);
    this.#settle(queued);
    this.#counts.dropped += 1;
    queued.buffer.fail(new DeadlineExceededError(queued.job.id, queued.job.deadline, Date.now()));
  }

  #cancel(queued: QueuedJob, error: CancelledError): void {
    queued.cancelled = true;
    this.#counts.cancelled += 1;
    // Free the id at once: a fresh submission of it is a new request, not a duplicate of the cancelled one.
    if (this.#active.get(queued.job.id) === queued) this.#active.delete(queued.job.id);
    if (queued.state === 'waiting') {
      this.#removeWaiting(queued);
      this.#settle(queued);
    } else if (queued.state === 'running') {
      // The slot stays taken until the engine's stream has actually stopped (see #run), so the engine
      // never runs more than `concurrency` streams even while cancelled ones unwind.
      queued.abort.abort(error);
    }
    queued.buffer.abort(error);
  }

  #next(): QueuedJob | undefined {
    for (const bucket of this.#waiting) {
      while (bucket.length > 0) {
        const queued = bucket.shift() as QueuedJob;
        if (queued.job.deadline > Date.now()) return queued;
        // Its timer has not fired yet (event loop was busy); drop it here instead of synthesising late.
        this.#settle(queued);
        this.#counts.dropped += 1;
        queued.buffer.fail(new DeadlineExceededError(queued.job.id, queued.job.deadline, Date.now()));
      }
    }
    return undefined;
  }

  #pump(): void {
    while (this.#running < this.#concurrency && !this.#closed) {
      const queued = this.#next();
      if (!queued) return;
      clearTimeout(queued.deadlineTimer);
      queued.state = 'running';
      queued.mark('startedAt');
      this.#running += 1;
      const run = this.#run(queued);
      this.#runs.add(run);
      void run.finally(() => {
        this.#runs.delete(run);
        this.#running -= 1;
        this.#pump();
      });
    }
  }

  async #run(queued: QueuedJob): Promise<void> {
    const { job, abort, buffer } = queued;
    try {
      const stream = this.#engine.synthesize({ sentences: job.sentences, voice: job.voice, signal: abort.signal });
      for await (const chunk of stream) {
        if (queued.cancelled) break;
        queued.mark('firstChunkAt');
        buffer.push(chunk);
      }
      if (!queued.cancelled) {
        this.#counts.completed += 1;
        buffer.end();
      }
    } catch (error) {
      if (!queued.cancelled) {
        if (isCancelled(error)) {
          // The engine stopped on its own terms (e.g. shutting down): pass the cancellation through.
          this.#counts.cancelled += 1;
          buffer.fail(error);
        } else {
          this.#counts.failed += 1;
          buffer.fail(error instanceof SynthesisFailedError ? error : new SynthesisFailedError(job.id, this.#engine.id, error));
        }
      }
    } finally {
      this.#settle(queued);
    }
  }
}
