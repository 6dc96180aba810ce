import type { PcmChunk } from '../audio/PcmChunk.ts';
import type { PriorityClass } from '../speech/SpeechJob.ts';
import type { VoiceForSynthesis } from '../synthesis/SynthesisEngine.ts';
import type { Sentence } from '../text/TextPart.ts';

export { DeadlineExceededError, DuplicateJobError, QueueClosedError, SynthesisFailedError } from './SynthesisQueueErrors.ts';

/**
 * One unit of synthesis work. Plain serialisable data only (no functions, no class instances) so an
 * out-of-process queue (bull on Redis) can carry it to a worker unchanged.
 */
export interface SynthesisJob {
  /** Unique per utterance; a queue de-duplicates redelivered jobs by this id. */
  readonly id: string;
  readonly voice: VoiceForSynthesis;
  readonly sentences: readonly Sentence[];
  /** Higher classes (earlier in PRIORITY_CLASSES) start first; FIFO within a class. */
  readonly priority: PriorityClass;
  /** Milliseconds since the epoch. A job still waiting at this time is dropped, not synthesised. */
  readonly deadline: number;
}

/** Milliseconds since the epoch for each step a job has reached; serialisable so a remote worker can report them. */
export interface SynthesisTimings {
  readonly submittedAt: number;
  readonly startedAt?: number;
  readonly firstChunkAt?: number;
  readonly endedAt?: number;
}

/**
 * The caller's side of a submitted job.
 *
 * `chunks` may be iterated once. It yields PCM as the engine produces it (buffered without limit, so a slow
 * consumer never stalls the engine) and ends by throwing:
 * - `DeadlineExceededError` if the job expired before it started (the engine never saw it);
 * - `CancelledError` after `cancel()`, an aborted submit signal, or the consumer leaving the loop early;
 * - `QueueClosedError` (a `CancelledError`) when the queue shuts down;
 * - `DuplicateJobError` if a job with the same id is already waiting or running;
 * - `SynthesisFailedError` if the engine failed.
 */
export interface SynthesisHandle {
  readonly jobId: string;
  readonly chunks: AsyncIterable<PcmChunk>;
  /** Removes a waiting job, or aborts a running one. Idempotent; a no-op once the stream has ended. */
  cancel(): void;
  timings(): SynthesisTimings;
}

export interface SynthesisQueueStats {
  readonly waiting: number;
  /** Engine streams in progress, including cancelled ones still unwinding. */
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Expired before they started (deadline passed). */
  readonly dropped: number;
}

/**
 * Where speech jobs wait for an engine. Implementations: `InProcessSynthesisQueue` (engine in this process)
 * and, later, a bull/Redis queue with remote workers (at-least-once: de-duplicate by job id).
 */
export interface SynthesisQueue {
  /** Never throws: every failure is delivered through the handle's `chunks`. */
  submit(job: SynthesisJob, signal?: AbortSignal): SynthesisHandle;
  stats(): SynthesisQueueStats;
  /** Refuses new jobs, cancels waiting and running ones, and resolves once running engine streams have stopped. Does not close the engine. */
  close(): Promise<void>;
}
