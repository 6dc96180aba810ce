type ChannelState = { readonly status: 'open' } | { readonly status: 'ended' } | { readonly status: 'failed'; readonly error: unknown };

/**
 * Unbounded single-consumer queue bridging worker messages (pushed) to an async iterator (pulled).
 * Unbounded is fine here: espeak produces a few MB per minute of speech at most.
 */
export class ChunkChannel<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #state: ChannelState = { status: 'open' };
  #wake: (() => void) | null = null;

  push(item: T): void {
    if (this.#state.status !== 'open') return;
    this.#items.push(item);
    this.#notify();
  }

  end(): void {
    if (this.#state.status !== 'open') return;
    this.#state = { status: 'ended' };
    this.#notify();
  }

  /** Fails the channel: the consumer gets `error` at once, before any items still queued. */
  fail(error: unknown): void {
    if (this.#state.status !== 'open') return;
    this.#state = { status: 'failed', error };
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#state.status === 'failed') throw this.#state.error;
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.#state.status === 'ended') return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
