export interface AuthRateLimiterOptions {
  /** Wrong tokens allowed per address within `windowMs` before it is refused outright. Default 10. */
  readonly maxFailures?: number;
  /** Default 60 000 ms. */
  readonly windowMs?: number;
  /** Addresses tracked at once; the oldest are forgotten beyond it. Default 10 000. */
  readonly maxAddresses?: number;
  readonly now?: () => number;
}

/**
 * Counts wrong tokens per client address so nobody can guess the token by trying: after `maxFailures`
 * failures in a window the address is refused (even with the right token) until the window has passed.
 */
export class AuthRateLimiter {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxAddresses: number;
  readonly #now: () => number;
  /** Per address: when its window started and failures in it. Map order = insertion order, for trimming. */
  readonly #failures = new Map<string, { windowStart: number; count: number }>();

  constructor(options: AuthRateLimiterOptions = {}) {
    this.#maxFailures = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds the address must wait, or 0 when it may try. */
  retryAfterSeconds(address: string): number {
    const entry = this.#entry(address);
    if (entry === undefined || entry.count < this.#maxFailures) return 0;
    return Math.max(1, Math.ceil((entry.windowStart + this.#windowMs - this.#now()) / 1000));
  }

  recordFailure(address: string): void {
    const entry = this.#entry(address);
    if (entry !== undefined) {
      entry.count += 1;
      return;
    }
    this.#failures.set(address, { windowStart: this.#now(), count: 1 });
    if (this.#failures.size > this.#maxAddresses) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  #entry(address: string): { windowStart: number; count: number } | undefined {
    const entry = this.#failures.get(address);
    if (entry !== undefined && this.#now() - entry.windowStart >= this.#windowMs) {
      this.#failures.delete(address);
      return undefined;
    }
    return entry;
  }
}
