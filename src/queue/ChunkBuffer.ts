import { ChorusError } from '../util/ChorusError.ts';

type BufferEnd = { readonly kind: 'open' } | { readonly kind: 'done' } | { readonly kind: 'error'; readonly error: unknown };

/**
 * An unbounded single-consumer async buffer: the producer pushes without waiting, the consumer iterates
 * at its own pace. A terminal error is kept until the consumer asks for it, so an unread failed stream
 * never becomes an unhandled rejection.
 */
export class ChunkBuffer<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #head = 0;
  #end: BufferEnd = { kind: 'open' };
  #waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  #iterated = false;
  readonly #onConsumerExit: () => void;

  /** `onConsumerExit` runs when the consumer stops iterating before the end (break, return, throw in loop). */
  constructor(onConsumerExit: () => void = () => {}) {
    this.#onConsumerExit = onConsumerExit;
  }

  get ended(): boolean {
    return this.#end.kind !== 'open';
  }

  get buffered(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    if (this.#end.kind !== 'open') return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
  }

  /** Ends normally: the consumer receives what is buffered, then `done`. */
  end(): void {
    this.#finish({ kind: 'done' });
  }

  /** Ends with an error after the buffered items. */
  fail(error: unknown): void {
    this.#finish({ kind: 'error', error });
  }

  /** Ends with an error now, discarding buffered items (the consumer no longer wants them). */
  abort(error: unknown): void {
    if (this.#end.kind !== 'open') return;
    this.#items.length = 0;
    this.#head = 0;
    this.#finish({ kind: 'error', error });
  }

  #finish(end: BufferEnd): void {
    if (this.#end.kind !== 'open') return;
    this.#end = end;
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = undefined;
    if (end.kind === 'error') waiter.reject(end.error);
    else waiter.resolve({ value: undefined, done: true });
  }

  #next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head] as T;
      this.#head += 1;
      // Compact now and then so a long stream does not keep every consumed chunk alive.
      if (this.#head > 64 && this.#head * 2 > this.#items.length) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    const end = this.#end;
    if (end.kind === 'done') return Promise.resolve({ value: undefined, done: true });
    if (end.kind === 'error') return Promise.reject(end.error);
    if (this.#waiter) return Promise.reject(new ChorusError('concurrent-read', 'A chunk stream was read by two loops at once.'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated) {
      throw new ChorusError('stream-already-read', 'A synthesis stream can be read only once.');
    }
    this.#iterated = true;
    return {
      next: () => this.#next(),
      return: () => {
        if (this.#end.kind === 'open') this.#onConsumerExit();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
