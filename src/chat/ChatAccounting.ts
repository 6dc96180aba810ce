import { PRIORITY_CLASSES, type PriorityClass } from '../speech/SpeechJob.ts';

/** Why an event was not (fully) read: a policy reason, a playback reason, or a failure to speak. */
export type AccountedDropReason = string;

/** Counters for one priority class. `pending` = admitted but neither spoken nor dropped yet. */
export interface ClassTally {
  readonly received: number;
  readonly queued: number;
  readonly spoken: number;
  readonly pending: number;
  readonly dropped: Readonly<Record<AccountedDropReason, number>>;
}

/** One tracked (paid) item and what became of it. */
export interface AccountedItem {
  readonly id: string;
  readonly priority: PriorityClass;
  readonly state: 'pending' | 'spoken' | 'dropped';
  readonly reason?: AccountedDropReason;
  readonly detail?: string;
}

export interface ChatAccountingSnapshot {
  readonly byClass: Readonly<Record<PriorityClass, ClassTally>>;
  /** Drops of every class, by reason. */
  readonly droppedByReason: Readonly<Record<AccountedDropReason, number>>;
  /** Every item of a tracked class (super chats and guards by default), oldest first. */
  readonly tracked: readonly AccountedItem[];
}

interface MutableTally {
  received: number;
  queued: number;
  spoken: number;
  dropped: Record<string, number>;
}

export interface ChatAccountingOptions {
  /** Classes whose items are tracked one by one (never dropped silently). Default super chats and guards. */
  readonly tracked?: readonly PriorityClass[];
  /** Tracked items kept; the oldest settled ones go first. Default 10 000. */
  readonly maxTracked?: number;
  /** Called when a tracked item is dropped, so the caller can log it where the streamer sees it. */
  readonly onTrackedDrop?: (item: AccountedItem) => void;
}

/**
 * Where every chat event ended up: received → queued → spoken, or dropped with a reason. Totals per class
 * for metrics, and paid items one by one, so "a super chat is never dropped silently" is something a test
 * (or the control page) can check: each one is spoken, pending, or dropped with its reason.
 */
export class ChatAccounting {
  readonly #tallies = new Map<PriorityClass, MutableTally>(PRIORITY_CLASSES.map((priority) => [priority, { received: 0, queued: 0, spoken: 0, dropped: {} }]));
  readonly #tracked: ReadonlySet<PriorityClass>;
  readonly #items = new Map<string, AccountedItem>();
  readonly #maxTracked: number;
  readonly #onTrackedDrop: ((item: AccountedItem) => void) | undefined;

  constructor(options: ChatAccountingOptions = {}) {
    this.#tracked = new Set(options.tracked ?? ['superChat', 'guard']);
    this.#maxTracked = options.maxTracked ?? 10_000;
    this.#onTrackedDrop = options.onTrackedDrop;
  }

  received(id: string, priority: PriorityClass): void {
    this.#tally(priority).received += 1;
    if (!this.#tracked.has(priority)) return;
    this.#items.set(id, { id, priority, state: 'pending' });
    this.#trim();
  }

  queued(_id: string, priority: PriorityClass): void {
    this.#tally(priority).queued += 1;
  }

  spoken(id: string, priority: PriorityClass): void {
    this.#tally(priority).spoken += 1;
    if (this.#items.has(id)) this.#items.set(id, { id, priority, state: 'spoken' });
  }

  dropped(id: string, priority: PriorityClass, reason: AccountedDropReason, detail: string): void {
    const dropped = this.#tally(priority).dropped;
    dropped[reason] = (dropped[reason] ?? 0) + 1;
    if (!this.#tracked.has(priority)) return;
    const item: AccountedItem = { id, priority, state: 'dropped', reason, detail };
    this.#items.set(id, item);
    this.#onTrackedDrop?.(item);
  }

  /** A tracked item by id (job id), if still remembered. */
  item(id: string): AccountedItem | undefined {
    return this.#items.get(id);
  }

  snapshot(): ChatAccountingSnapshot {
    const byClass = {} as Record<PriorityClass, ClassTally>;
    const droppedByReason: Record<string, number> = {};
    for (const [priority, tally] of this.#tallies) {
      let droppedAfterQueue = 0;
      for (const [reason, count] of Object.entries(tally.dropped)) {
        droppedByReason[reason] = (droppedByReason[reason] ?? 0) + count;
        droppedAfterQueue += count;
      }
      // Drops before the queue (policy) were never queued; received − spoken − dropped is what is still in flight.
      const pending = Math.max(0, tally.received - tally.spoken - droppedAfterQueue);
      byClass[priority] = { received: tally.received, queued: tally.queued, spoken: tally.spoken, pending, dropped: { ...tally.dropped } };
    }
    return { byClass, droppedByReason, tracked: [...this.#items.values()] };
  }

  #tally(priority: PriorityClass): MutableTally {
    return this.#tallies.get(priority) as MutableTally;
  }

  #trim(): void {
    if (this.#items.size <= this.#maxTracked) return;
    for (const [id, item] of this.#items) {
      if (item.state !== 'pending') {
        this.#items.delete(id);
        return;
      }
    }
  }
}
