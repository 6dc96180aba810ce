/**
 * Exact repeats within a window ("草" from fifty viewers in ten seconds is read once). Keys are folded
 * (case, width, surrounding space); memory is bounded by pruning keys older than the window.
 */
export class RepeatFilter {
  readonly #windowMs: number;
  readonly #maxKeys: number;
  /** Insertion-ordered: the oldest sighting first. */
  readonly #lastSeen = new Map<string, number>();

  constructor(windowMs: number, maxKeys = 10_000) {
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  /** Texts currently remembered. */
  get size(): number {
    return this.#lastSeen.size;
  }

  /** True when `text` was seen within the window; records the sighting either way (a flood keeps it suppressed). */
  isRepeat(text: string, now: number): boolean {
    if (this.#windowMs <= 0) return false;
    this.#prune(now);
    const key = text.normalize('NFKC').trim().toLowerCase();
    const seen = this.#lastSeen.get(key);
    this.#lastSeen.delete(key);
    this.#lastSeen.set(key, now);
    if (this.#lastSeen.size > this.#maxKeys) this.#lastSeen.delete(this.#lastSeen.keys().next().value as string);
    return seen !== undefined && now - seen <= this.#windowMs;
  }

  #prune(now: number): void {
    for (const [key, at] of this.#lastSeen) {
      if (now - at <= this.#windowMs) break;
      this.#lastSeen.delete(key);
    }
  }
}
