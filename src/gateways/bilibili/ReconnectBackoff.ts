export interface ReconnectBackoffOptions {
  /** Delay before the first retry. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly multiplier?: number;
  /** Up to this much random delay is added, so many clients do not reconnect in lockstep after an outage. */
  readonly jitterMs?: number;
  /** Injectable for tests; must return [0, 1). */
  readonly random?: () => number;
}

/** Exponential backoff with additive jitter: initial·multiplier^n capped at max, plus random(0..jitter). */
export class ReconnectBackoff {
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #multiplier: number;
  readonly #jitterMs: number;
  readonly #random: () => number;
  #failures = 0;

  constructor(options: ReconnectBackoffOptions = {}) {
    this.#initialDelayMs = options.initialDelayMs ?? 1_000;
    this.#maxDelayMs = options.maxDelayMs ?? 30_000;
    this.#multiplier = options.multiplier ?? 2;
    this.#jitterMs = options.jitterMs ?? 1_000;
    this.#random = options.random ?? Math.random;
  }

  /** Consecutive failures since the last `reset()`. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure and returns how long to wait before the next try. */
  next(): number {
    const base = Math.min(this.#maxDelayMs, this.#initialDelayMs * this.#multiplier ** this.#failures);
    this.#failures++;
    return Math.round(base + this.#random() * this.#jitterMs);
  }

  /** A connection worked: the next outage starts again from the initial delay. */
  reset(): void {
    this.#failures = 0;
  }
}
