import type * as ort from 'onnxruntime-node';

/**
 * An onnxruntime session loaded when it is first run and released after `idleMs` without use. For
 * HuBERT: it runs only when a voice is registered, and a loaded chinese-hubert-base holds 0.6–1.2 GB
 * that a streamer's PC needs while streaming. Registering several voices in a row loads it once.
 */
export class OnDemandSession {
  readonly #load: () => Promise<ort.InferenceSession>;
  readonly #idleMs: number;
  #session: Promise<ort.InferenceSession> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = 0;
  #loads = 0;

  constructor(load: () => Promise<ort.InferenceSession>, idleMs: number) {
    this.#load = load;
    this.#idleMs = idleMs;
  }

  /** How many times the session was loaded (for tests and logs). */
  get loads(): number {
    return this.#loads;
  }

  get loaded(): boolean {
    return this.#session !== undefined;
  }

  async run(feeds: ort.InferenceSession.FeedsType): Promise<ort.InferenceSession.OnnxValueMapType> {
    clearTimeout(this.#timer);
    this.#running++;
    try {
      if (this.#session === undefined) {
        this.#loads++;
        // A failed load is forgotten, so the next registration tries again (the file may have been fixed).
        this.#session = this.#load().catch((error: unknown) => {
          this.#session = undefined;
          throw error;
        });
      }
      return await (await this.#session).run(feeds);
    } finally {
      this.#running--;
      if (this.#running === 0 && this.#session !== undefined) {
        this.#timer = setTimeout(() => void this.release(), this.#idleMs);
        this.#timer.unref();
      }
    }
  }

  async release(): Promise<void> {
    clearTimeout(this.#timer);
    const session = this.#session;
    if (session === undefined || this.#running > 0) return;
    this.#session = undefined;
    await (await session).release();
  }
}
