import { DiscordUserError } from './DiscordUserError.ts';

export interface RateLimit {
  /** Uses allowed per window. */
  readonly uses: number;
  readonly windowMs: number;
}

/** A sliding-window limit per user and action (/say, /clone), kept in memory. */
export class UserRateLimiter {
  readonly #limits: Readonly<Record<string, RateLimit>>;
  readonly #uses = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(limits: Readonly<Record<string, RateLimit>>, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Records one use, or throws a DiscordUserError saying when to try again. */
  take(action: string, userId: string): void {
    const limit = this.#limits[action];
    if (limit === undefined) return;
    const key = `${action}:${userId}`;
    const now = this.#now();
    const recent = (this.#uses.get(key) ?? []).filter((at) => now - at < limit.windowMs);
    if (recent.length >= limit.uses) {
      const wait = Math.ceil((limit.windowMs - (now - (recent[0] ?? now))) / 1000);
      this.#uses.set(key, recent);
      throw new DiscordUserError('rate-limited', `You are using /${action} too quickly. Try again in ${wait} s.`);
    }
    recent.push(now);
    this.#uses.set(key, recent);
    if (this.#uses.size > 10_000) this.#sweep(now);
  }

  #sweep(now: number): void {
    for (const [key, uses] of this.#uses) {
      const action = key.slice(0, key.indexOf(':'));
      const window = this.#limits[action]?.windowMs ?? 0;
      if (uses.every((at) => now - at >= window)) this.#uses.delete(key);
    }
  }
}
