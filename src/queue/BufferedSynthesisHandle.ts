import type { PcmChunk } from '../audio/PcmChunk.ts';
import { CancelledError } from '../util/ChorusError.ts';
import { ChunkBuffer } from './ChunkBuffer.ts';
import type { SynthesisHandle, SynthesisJob, SynthesisTimings } from './SynthesisQueue.ts';

/**
 * What every queue's handle shares: the job, the buffer the consumer reads (leaving the loop early cancels
 * the job), the timestamps of each step, and the timers and signal hooks the queue attaches. Queues differ only
 * in what cancelling means, so that is the one thing a subclass defines.
 */
export abstract class BufferedSynthesisHandle implements SynthesisHandle {
  readonly job: SynthesisJob;
  readonly buffer: ChunkBuffer<PcmChunk>;
  deadlineTimer: NodeJS.Timeout | undefined;
  detachSignal: () => void = () => {};
  readonly #timings: { submittedAt: number; startedAt?: number; firstChunkAt?: number; endedAt?: number };

  constructor(job: SynthesisJob) {
    this.job = job;
    this.#timings = { submittedAt: Date.now() };
    this.buffer = new ChunkBuffer<PcmChunk>(() => this.cancel());
  }

  get jobId(): string {
    return this.job.id;
  }

  get chunks(): AsyncIterable<PcmChunk> {
    return this.buffer;
  }

  cancel(): void {
    this.cancelWith(new CancelledError(`Reading message ${this.job.id} was cancelled.`));
  }

  abstract cancelWith(error: CancelledError): void;

  /** Records when a step was first reached; later calls keep the first time. */
  mark(step: 'startedAt' | 'firstChunkAt' | 'endedAt'): void {
    this.#timings[step] ??= Date.now();
  }

  timings(): SynthesisTimings {
    return { ...this.#timings };
  }
}
