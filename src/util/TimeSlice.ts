import { setImmediate as nextLoopTurn } from 'node:timers/promises';

/**
 * Shares the event loop between many small pieces of synchronous work that arrive together (a chat bundle of
 * fifty messages, each needing the text front end): once the current turn has used `budgetMs`, the rest wait
 * for a later loop turn, so timers, sockets and audio pacing run in between instead of stalling behind the
 * whole batch. Waiters resume in the order they asked.
 *
 * The check must run synchronously right before the work (a check in an async helper would let every waiter
 * pass before any of them worked), hence the caller's loop:
 * `while (!slice.hasBudget()) await slice.nextTurn();`
 */
export class TimeSlice {
  readonly #budgetMs: number;
  readonly #now: () => number;
  #turnStartedAt: number;
  #nextTurn: Promise<void> | undefined;

  constructor(budgetMs = 5, now: () => number = () => performance.now()) {
    this.#budgetMs = budgetMs;
    this.#now = now;
    this.#turnStartedAt = now();
  }

  /** Whether the current turn may take more work. */
  hasBudget(): boolean {
    return this.#now() - this.#turnStartedAt <= this.#budgetMs;
  }

  /** Resolves on a later loop turn, whose budget starts afresh. One shared wait for all callers of a turn. */
  nextTurn(): Promise<void> {
    this.#nextTurn ??= nextLoopTurn().then(() => {
      this.#nextTurn = undefined;
      this.#turnStartedAt = this.#now();
    });
    return this.#nextTurn;
  }
}
