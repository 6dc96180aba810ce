import { renderTemplate } from './ChatTemplate.ts';

/** How far behind speech is on one target. */
export interface QueueLoad {
  /** Utterances waiting. */
  readonly waiting: number;
  /** How long the oldest waiting utterance has waited since its message arrived, in ms. */
  readonly oldestWaitMs: number;
}

export interface BacklogWarnerOptions {
  /** Warn when the oldest waiting message is older than this. 0 turns warnings off. */
  readonly afterMs: number;
  /** At most one warning per this many ms, so the warning does not itself become the backlog. */
  readonly everyMs: number;
  /** Placeholders `{seconds}` and `{count}`. */
  readonly template?: string;
}

export const DEFAULT_BACKLOG_TEMPLATE = '弹幕有点多，朗读延迟约{seconds}秒，还有{count}条待读';

/**
 * Decides when to tell the room that speech has fallen behind (a request from streamers: "announce the
 * delay"), rate-limited. Pure: the caller supplies the load and the clock and speaks what it returns.
 */
export class BacklogWarner {
  readonly #options: BacklogWarnerOptions;
  #lastWarningAt = Number.NEGATIVE_INFINITY;

  constructor(options: BacklogWarnerOptions) {
    this.#options = options;
  }

  /** The warning to speak now, or undefined. */
  check(load: QueueLoad, now: number): string | undefined {
    const { afterMs, everyMs } = this.#options;
    if (afterMs <= 0 || load.waiting === 0 || load.oldestWaitMs < afterMs) return undefined;
    if (now - this.#lastWarningAt < everyMs) return undefined;
    this.#lastWarningAt = now;
    return renderTemplate(this.#options.template ?? DEFAULT_BACKLOG_TEMPLATE, { seconds: String(Math.round(load.oldestWaitMs / 1000)), count: String(load.waiting) });
  }
}
