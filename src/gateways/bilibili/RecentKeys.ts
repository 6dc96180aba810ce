/** Keys remembered for a while (de-duplication of gifts, super chats, guard purchases); bounded in time and count. */
export class RecentKeys {
  readonly #ttlMs: number;
  readonly #max: number;
  /** Insertion-ordered, so the oldest is first. */
  readonly #seen = new Map<string, number>();

  constructor(ttlMs: number, max = 20_000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /** Records `key`; true if it was already there (within the time to live). */
  seen(key: string, now: number): boolean {
    for (const [old, at] of this.#seen) {
      if (now - at <= this.#ttlMs && this.#seen.size <= this.#max) break;
      this.#seen.delete(old);
    }
    if (this.#seen.has(key)) return true;
    this.#seen.set(key, now);
    return false;
  }
}
