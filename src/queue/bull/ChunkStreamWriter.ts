import type { PcmChunk } from '../../audio/PcmChunk.ts';
import { concatSamples } from '../../audio/pcm.ts';
import type { ChunkStreamEntry } from './ChunkStreamEntry.ts';

/** Largest merged entry, in seconds of audio: keeps single Redis replies and bot-side copies small. */
const MAX_ENTRY_SECONDS = 1;

interface PendingEntry {
  readonly sentenceIndex: number;
  readonly offset: number;
  readonly sampleRate: number;
  readonly parts: Int16Array[];
  length: number;
}

/**
 * Sends one run's chunks to its Redis Stream with little per-chunk cost and no added latency: a chunk goes
 * out at once when no write is in flight; chunks that arrive while one is in flight (a fast engine) are
 * merged, per sentence, into the next entry. Writes are not awaited one by one (a round trip per chunk
 * would add up); commands on one connection stay in order, and `finish()` reports the first failure.
 */
export class ChunkStreamWriter {
  readonly #run: string;
  readonly #send: (entry: ChunkStreamEntry) => Promise<unknown>;
  readonly #offsets = new Map<number, number>();
  #pending: PendingEntry | undefined;
  #inFlight = 0;
  #last: Promise<unknown> = Promise.resolve();
  #seq = 0;
  #failure: { readonly error: unknown } | undefined;

  constructor(run: string, send: (entry: ChunkStreamEntry) => Promise<unknown>) {
    this.#run = run;
    this.#send = send;
  }

  /** Entries sent so far. */
  get entries(): number {
    return this.#seq;
  }

  write(chunk: PcmChunk): void {
    if (chunk.samples.length === 0) return;
    const offset = this.#offsets.get(chunk.sentenceIndex) ?? 0;
    this.#offsets.set(chunk.sentenceIndex, offset + chunk.samples.length);
    const pending = this.#pending;
    const fits = pending !== undefined && pending.sentenceIndex === chunk.sentenceIndex && pending.sampleRate === chunk.sampleRate && pending.length + chunk.samples.length <= chunk.sampleRate * MAX_ENTRY_SECONDS;
    if (fits) {
      pending.parts.push(chunk.samples);
      pending.length += chunk.samples.length;
    } else {
      if (pending !== undefined) this.#flush();
      this.#pending = { sentenceIndex: chunk.sentenceIndex, offset, sampleRate: chunk.sampleRate, parts: [chunk.samples], length: chunk.samples.length };
    }
    if (this.#inFlight === 0) this.#flush();
  }

  /** Sends what is left and resolves once Redis confirmed every entry; throws the first failure. */
  async finish(): Promise<void> {
    while (this.#pending !== undefined || this.#inFlight > 0) {
      this.#flush();
      await this.#last;
    }
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  #flush(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    const samples = concatSamples(Int16Array, pending.parts);
    this.#inFlight += 1;
    const sent = this.#send({ kind: 'chunk', run: this.#run, seq: this.#seq, sentenceIndex: pending.sentenceIndex, offset: pending.offset, sampleRate: pending.sampleRate, samples });
    this.#seq += 1;
    this.#last = sent.then(
      () => undefined,
      (error: unknown) => {
        this.#failure ??= { error };
      },
    ).finally(() => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#flush();
    });
  }
}
