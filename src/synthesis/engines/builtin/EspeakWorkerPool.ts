import { EngineError } from '../../EngineError.ts';
import type { EspeakWorkerRequest } from './EspeakWorkerMessage.ts';
import { ENGINE_ID, type EspeakJob, type EspeakJobSink, EspeakWorkerThread } from './EspeakWorkerThread.ts';

/** Distributive Omit, so each request variant keeps its own fields. */
export type EspeakJobRequest = EspeakWorkerRequest extends infer R ? (R extends EspeakWorkerRequest ? Omit<R, 'jobId'> : never) : never;

export interface SubmittedJob {
  /** Drops a queued job, or asks the worker to stop a running one. The sink hears nothing more after this. */
  cancel(): void;
}

/**
 * N persistent espeak worker threads fed from one FIFO queue. A thread that dies is replaced by a fresh one
 * when there is work for it; a thread that dies before ever starting fails the queue instead of looping.
 */
export class EspeakWorkerPool {
  readonly #workerUrl: URL;
  readonly #threads: EspeakWorkerThread[] = [];
  readonly #queue: EspeakJob[] = [];
  #nextJobId = 1;
  #closed = false;
  readonly #reportedStartFailures = new WeakSet<EspeakWorkerThread>();
  readonly #readyWaiters: Array<{ resolve: () => void; reject: (error: EngineError) => void }> = [];

  constructor(size: number, workerUrl: URL) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`The espeak worker pool needs at least one worker, got ${size}.`);
    this.#workerUrl = workerUrl;
    for (let i = 0; i < size; i += 1) this.#threads.push(this.#startThread());
  }

  /** Resolves once every thread has started; rejects with an EngineError if one failed to start. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
      this.#settleReadyWaiters();
    });
  }

  submit(request: EspeakJobRequest, sink: EspeakJobSink): SubmittedJob {
    if (this.#closed) {
      sink.onFailed(new EngineError(ENGINE_ID, 'The builtin speech engine is shut down.'));
      return { cancel: () => {} };
    }
    const jobId = this.#nextJobId++;
    let cancelled = false;
    // Once cancelled, late worker reports are dropped here so the caller's sink stays quiet.
    const guardedSink: EspeakJobSink = {
      onChunk: (index, samples) => !cancelled && sink.onChunk(index, samples),
      onAnalysed: (profile) => !cancelled && sink.onAnalysed(profile),
      onDone: () => !cancelled && sink.onDone(),
      onFailed: (error) => !cancelled && sink.onFailed(error),
    };
    const job: EspeakJob = { request: { ...request, jobId } as EspeakWorkerRequest, sink: guardedSink };
    this.#queue.push(job);
    this.#dispatch();
    return {
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        const queuedAt = this.#queue.indexOf(job);
        if (queuedAt >= 0) {
          this.#queue.splice(queuedAt, 1);
          return;
        }
        for (const thread of this.#threads) {
          const state = thread.state;
          if (state.status === 'busy' && state.job === job) thread.cancel(jobId);
        }
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const queued = this.#queue.splice(0);
    for (const job of queued) job.sink.onFailed(new EngineError(ENGINE_ID, 'The builtin speech engine was shut down before it could speak this.'));
    await Promise.all(this.#threads.map((thread) => thread.close()));
  }

  #startThread(): EspeakWorkerThread {
    return new EspeakWorkerThread(this.#workerUrl, () => {
      this.#settleReadyWaiters();
      this.#dispatch();
    });
  }

  #settleReadyWaiters(): void {
    if (this.#readyWaiters.length === 0) return;
    const failed = this.#threads.find((thread) => thread.state.status === 'exited' && !thread.state.everReady);
    const starting = this.#threads.some((thread) => thread.state.status === 'starting');
    if (!failed && starting) return;
    const waiters = this.#readyWaiters.splice(0);
    for (const waiter of waiters) {
      const state = failed?.state;
      if (state?.status === 'exited') waiter.reject(state.error);
      else waiter.resolve();
    }
  }

  #dispatch(): void {
    if (this.#closed) return;
    for (let i = 0; i < this.#threads.length; i += 1) {
      const thread = this.#threads[i]!;
      const state = thread.state;
      if (state.status === 'exited') {
        if (this.#queue.length === 0) continue;
        if (!state.everReady && !this.#reportedStartFailures.has(thread)) {
          // Failed to start: fail the waiting work once rather than respawning in a loop; the next submit retries.
          this.#reportedStartFailures.add(thread);
          for (const job of this.#queue.splice(0)) job.sink.onFailed(state.error);
          continue;
        }
        this.#threads[i] = this.#startThread();
        continue;
      }
      if (state.status === 'idle') {
        const job = this.#queue.shift();
        if (job === undefined) return;
        thread.run(job);
      }
    }
  }
}
