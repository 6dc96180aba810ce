export interface RepetitionOptions {
  /** Longest pattern (in tokens) looked for. */
  readonly maxPeriod: number;
  /** A single token repeated this many times in a row is a runaway (25 tokens = 1 s). */
  readonly maxRun: number;
  /** A longer pattern repeated this many times in a row is a runaway… */
  readonly maxRepeats: number;
  /** …provided the repeated span is at least this many tokens. */
  readonly minSpan: number;
}

export const DEFAULT_REPETITION: RepetitionOptions = { maxPeriod: 12, maxRun: 50, maxRepeats: 6, minSpan: 30 };

/**
 * Finds runaway repetition ("复读": the decoder stuck in a loop) at the end of a token sequence.
 * Returns the length to keep (the sequence up to and including the first period of the loop), or -1.
 */
export function findRunawayRepetition(tokens: ArrayLike<number>, length: number, options: RepetitionOptions): number {
  for (let period = 1; period <= options.maxPeriod; period++) {
    const needed = period === 1 ? options.maxRun : Math.max(period * options.maxRepeats, options.minSpan);
    if (length < needed) continue;
    let span = period;
    while (span < length && tokens[length - 1 - span] === tokens[length - 1 - span + period]) span++;
    if (span >= needed) {
      // A pattern of period p that is itself periodic with a smaller period was caught earlier.
      return length - span + period;
    }
  }
  return -1;
}
