import type { GiftEvent } from './BilibiliEvent.ts';

/** Several gifts of one viewer (same gift) said as one. */
export interface MergedGift {
  /** The first gift of the run: viewer, gift name, coin type, receipt time. */
  readonly first: GiftEvent;
  readonly num: number;
  /** What the viewer spent in the coin's 瓜子 over the whole run. */
  readonly totalCoin: number;
  /** How many gift messages were merged. */
  readonly messages: number;
}

export interface GiftMergerOptions {
  /** A run ends after this long without another gift of the same viewer and gift. Default 3 s. */
  readonly quietMs?: number;
  /** Longer quiet time while a combo (连击) is going on, since combo clicks come in bursts. Default 5 s. */
  readonly comboQuietMs?: number;
  /** A run is said after this long at the latest, however it continues. Default 15 s. */
  readonly maxHoldMs?: number;
}

interface Run {
  readonly first: GiftEvent;
  num: number;
  totalCoin: number;
  messages: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Merges repeated gifts of one viewer into one sentence with the summed count ("感谢某某赠送的66个小花花"
 * instead of 66 thanks): a run per (viewer, gift) is held until it goes quiet, or until `maxHoldMs`.
 */
export class GiftMerger {
  readonly #quietMs: number;
  readonly #comboQuietMs: number;
  readonly #maxHoldMs: number;
  readonly #onMerged: (gift: MergedGift) => void;
  readonly #runs = new Map<string, Run>();

  constructor(onMerged: (gift: MergedGift) => void, options: GiftMergerOptions = {}) {
    this.#onMerged = onMerged;
    this.#quietMs = options.quietMs ?? 3_000;
    this.#comboQuietMs = options.comboQuietMs ?? 5_000;
    this.#maxHoldMs = options.maxHoldMs ?? 15_000;
  }

  /** Runs currently held. */
  get pending(): number {
    return this.#runs.size;
  }

  add(gift: GiftEvent): void {
    const key = `${gift.viewer.id ?? `name:${gift.viewer.name}`}\u0000${gift.giftId}\u0000${gift.coinType}`;
    let run = this.#runs.get(key);
    if (run === undefined) {
      run = { first: gift, num: 0, totalCoin: 0, messages: 0, timer: undefined };
      this.#runs.set(key, run);
    }
    run.num += gift.num;
    run.totalCoin += gift.totalCoin;
    run.messages += 1;
    clearTimeout(run.timer);
    const held = gift.receivedAt - run.first.receivedAt;
    const quiet = gift.comboId !== undefined || gift.batchComboId !== undefined ? this.#comboQuietMs : this.#quietMs;
    const wait = Math.max(0, Math.min(quiet, this.#maxHoldMs - held));
    run.timer = setTimeout(() => this.#flush(key), wait);
  }

  /** Says every held run now (e.g. before the stream ends). */
  flushAll(): void {
    for (const key of [...this.#runs.keys()]) this.#flush(key);
  }

  /** Forgets held runs without saying them. */
  close(): void {
    for (const run of this.#runs.values()) clearTimeout(run.timer);
    this.#runs.clear();
  }

  #flush(key: string): void {
    const run = this.#runs.get(key);
    if (run === undefined) return;
    clearTimeout(run.timer);
    this.#runs.delete(key);
    this.#onMerged({ first: run.first, num: run.num, totalCoin: run.totalCoin, messages: run.messages });
  }
}
