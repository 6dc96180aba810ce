import type { PcmChunk } from '../audio/PcmChunk.ts';
import type { SynthesisHandle, SynthesisQueue, SynthesisTimings } from '../queue/SynthesisQueue.ts';
import type { SpeechJob } from '../speech/SpeechJob.ts';
import type { VoiceForSynthesis } from '../synthesis/SynthesisEngine.ts';
import { CancelledError } from '../util/ChorusError.ts';

/** Looks up what the engine needs of a voice (the registry is async: SQLite). */
export type VoiceResolver = (voiceId: string) => VoiceForSynthesis | Promise<VoiceForSynthesis>;

/**
 * A speech job on its way through synthesis: resolves the voice, submits to the synthesis queue, and lets the
 * player read the PCM later (prefetch) or at once. Cancellable at every step.
 */
export class UtteranceSynthesis {
  readonly job: SpeechJob;
  readonly #handle: Promise<SynthesisHandle>;
  #submitted: SynthesisHandle | undefined;
  #cancelled = false;

  constructor(job: SpeechJob, queue: SynthesisQueue, resolveVoice: VoiceResolver) {
    this.job = job;
    this.#handle = (async () => {
      const voice = await resolveVoice(job.voiceId);
      if (this.#cancelled) throw new CancelledError(`Reading message ${job.id} was cancelled.`);
      const handle = queue.submit({ id: job.id, voice, sentences: job.sentences, priority: job.priority, deadline: job.deadline });
      this.#submitted = handle;
      return handle;
    })();
    // Errors surface when the chunks are read; an unread prefetch must not become an unhandled rejection.
    this.#handle.catch(() => {});
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  async *chunks(): AsyncGenerator<PcmChunk> {
    const handle = await this.#handle;
    yield* handle.chunks;
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#submitted?.cancel();
  }

  timings(): SynthesisTimings | undefined {
    return this.#submitted?.timings();
  }
}
