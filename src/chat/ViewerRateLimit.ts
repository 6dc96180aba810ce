/**
 * At most `max` messages per viewer in any `windowMs` (a sliding window), so one viewer cannot fill the
 * queue. Viewers are kept in order of their last counted message and forgotten once it is a whole window
 * old, so memory follows the viewers active within one window, not everyone who ever wrote.
 */
export class ViewerRateLimit {
  readonly #max: number;
  readonly #windowMs: number;
  /** Per viewer, the times of counted messages, oldest first; the map is ordered by each viewer's latest one. */
  readonly #recent = new Map<string, number[]>();

  constructor(max: number, windowMs: number) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  /** Viewers currently remembered. */
  get size(): number {
    return this.#recent.size;
  }

  /** Counts a message from `viewer` and says whether it is within the limit. Refused messages are not counted. */
  allow(viewer: string, now: number): boolean {
    if (this.#max <= 0) return true;
    this.#prune(now);
    const times = this.#recent.get(viewer) ?? [];
    let expired = 0;
    while (expired < times.length && now - (times[expired] as number) >= this.#windowMs) expired += 1;
    if (expired > 0) times.splice(0, expired);
    if (times.length >= this.#max) return false;
    times.push(now);
    // Re-inserted at the end: the map stays ordered by latest counted message, which is what #prune relies on.
    this.#recent.delete(viewer);
    this.#recent.set(viewer, times);
    return true;
  }

  #prune(now: number): void {
    for (const [viewer, times] of this.#recent) {
      if (now - (times[times.length - 1] as number) < this.#windowMs) break;
      this.#recent.delete(viewer);
    }
  }
}
