import { CancelledError, ChorusError } from '../util/ChorusError.ts';

/**
 * The job's deadline passed before synthesis could start, so it was dropped without being synthesised.
 * Not a failure of the engine: it means chat arrives faster than the engine can speak.
 */
export class DeadlineExceededError extends ChorusError {
  readonly jobId: string;
  readonly deadline: number;

  constructor(jobId: string, deadline: number, now: number) {
    super(
      'deadline-exceeded',
      `Message ${jobId} was dropped unread: it waited ${Math.max(0, Math.round(now - deadline))} ms past its deadline ` +
        'before synthesis could start. Chat is arriving faster than the voice engine can speak; ' +
        'raise the engine concurrency, use a faster engine, or lower the maximum queue age.',
    );
    this.jobId = jobId;
    this.deadline = deadline;
  }
}

/**
 * The queue was closed (shutdown). A kind of cancellation: work stopped on purpose, never logged as a failure.
 */
export class QueueClosedError extends CancelledError {
  constructor(jobId: string) {
    super(`Message ${jobId} was not read because the synthesis queue is shutting down.`);
  }
}

/** A job with this id is already waiting or running; ids de-duplicate deliveries (at-least-once queues redeliver). */
export class DuplicateJobError extends ChorusError {
  readonly jobId: string;

  constructor(jobId: string) {
    super('duplicate-job', `Message ${jobId} is already being synthesised; the second copy was ignored.`);
    this.jobId = jobId;
  }
}

/** The engine threw while synthesising. `cause` holds the engine's own error. */
export class SynthesisFailedError extends ChorusError {
  readonly jobId: string;

  constructor(jobId: string, engineId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'synthesis-failed',
      `The "${engineId}" voice engine could not read message ${jobId}: ${reason}. ` +
        'The message was skipped; if this repeats for one voice, re-record or remove that voice.',
      { cause },
    );
    this.jobId = jobId;
  }
}
