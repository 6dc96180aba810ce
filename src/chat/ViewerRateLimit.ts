/**
 * At most `max` messages per viewer in any `windowMs` (a sliding window), so one viewer cannot fill the
 * queue. Viewers idle for a whole window are forgotten, which bounds memory by the number of active viewers.
 */
export class ViewerRateLimit {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #recent = new Map<string, number[]>();
  #lastSweep = 0;

  constructor(max: number, windowMs: number) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  /** Counts a message from `viewer` and says whether it is within the limit. Refused messages are not counted. */
  allow(viewer: string, now: number): boolean {
    if (this.#max <= 0) return true;
    this.#sweep(now);
    const times = (this.#recent.get(viewer) ?? []).filter((at) => now - at < this.#windowMs);
    if (times.length >= this.#max) {
      this.#recent.set(viewer, times);
      return false;
    }
    times.push(now);
    this.#recent.set(viewer, times);
    return true;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#windowMs) return;
    this.#lastSweep = now;
    for (const [viewer, times] of this.#recent) {
      if (times.every((at) => now - at >= this.#windowMs)) this.#recent.delete(viewer);
    }
  }
}
