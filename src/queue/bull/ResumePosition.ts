/**
 * How far into an utterance the bot has forwarded audio: the sentence, and the samples of it already passed on.
 *
 * At-least-once delivery means a job can be synthesised more than once: a worker killed mid-job is redone
 * from the start by another worker, and a worker that only looked dead (a long pause) may even keep going
 * beside its replacement. Each run reports where every chunk sits (sentence, sample offset within it), and
 * only audio past the forwarded position is passed on. So the listener hears each part of the utterance
 * once: a redo resumes where the dead run stopped, seamlessly for deterministic engines, and at the same
 * point of a different take for sampling ones.
 */
export class ResumePosition {
  #sentence = 0;
  #samples = 0;

  /** The part of the chunk not yet forwarded (possibly all of it), or undefined if it adds nothing. */
  take(sentenceIndex: number, offset: number, samples: Int16Array): Int16Array | undefined {
    if (sentenceIndex < this.#sentence) return undefined;
    if (sentenceIndex > this.#sentence) {
      this.#sentence = sentenceIndex;
      this.#samples = 0;
    }
    const end = offset + samples.length;
    if (end <= this.#samples) return undefined;
    const from = Math.max(0, this.#samples - offset);
    this.#samples = end;
    return from === 0 ? samples : samples.subarray(from);
  }
}
