import { OggOpusWriter } from '../audio/OggOpusWriter.ts';
import { OPUS_FRAME_SAMPLES, OPUS_PRE_SKIP } from '../audio/OpusFrameEncoder.ts';

export interface OggSegmenterOptions {
  readonly channels: 1 | 2;
  /**
   * Packets each segment should hold, in order; the last size repeats. Small first segments start the sound
   * sooner, larger later ones spread the priming over more audio. Default [5, 15, 25, 50] (100 ms, 300 ms,
   * 500 ms, then 1 s).
   */
  readonly segmentPackets?: readonly number[];
  /**
   * Packets before a segment repeated at its start, to warm a fresh decoder up. Opus predicts each frame's band
   * energies from the previous frame's (halving the error per 20 ms frame), so a cold decoder is audibly off
   * for about ten frames. Default 10 (error below 0.2 % of full scale at the join).
   */
  readonly primingPackets?: number;
}

/** One self-contained Ogg Opus file holding part of an utterance. */
export interface OggSegment {
  readonly bytes: Buffer;
  /** 0-based position in the utterance. */
  readonly index: number;
  /** Audio it adds, in ms (priming excluded; the first segment's pre-skip not subtracted). */
  readonly audioMs: number;
}

/**
 * Cuts one utterance's Opus packets into small, complete Ogg Opus files that a browser can decode one by one
 * with `decodeAudioData` (Chrome 103 has no streaming Ogg decoder), so playback starts after the first 100 ms
 * of audio instead of after the whole utterance.
 *
 * Decoding each file separately resets the Opus decoder, which would be heard at every join (a level jump
 * that takes ~200 ms to settle). So every segment after the first starts with the last `primingPackets` packets
 * before it, and its Ogg pre-skip tells the decoder to drop exactly their output: the decoder warms up on audio
 * the listener already heard, and the segments join sample-exactly. The first segment keeps the encoder's own
 * pre-skip. The cost is the repeated packets: about 20 % more bytes once segments are 1 s long.
 */
export class OggSegmenter {
  readonly #channels: 1 | 2;
  readonly #sizes: readonly number[];
  readonly #priming: number;
  #pending: Buffer[] = [];
  #history: Buffer[] = [];
  #index = 0;

  constructor(options: OggSegmenterOptions) {
    this.#channels = options.channels;
    const sizes = (options.segmentPackets ?? [5, 15, 25, 50]).filter((size) => Number.isInteger(size) && size > 0);
    this.#sizes = sizes.length > 0 ? sizes : [25];
    this.#priming = Math.max(0, Math.min(32, options.primingPackets ?? 10));
  }

  /** Packets waiting for the next segment. */
  get pendingPackets(): number {
    return this.#pending.length;
  }

  /** Adds a 20 ms packet; returns a segment when enough have gathered. */
  push(packet: Buffer): OggSegment | undefined {
    this.#pending.push(packet);
    const target = this.#sizes[Math.min(this.#index, this.#sizes.length - 1)] as number;
    return this.#pending.length >= target ? this.flush() : undefined;
  }

  /** Makes a segment of whatever is waiting now (for a stall in synthesis, or the end of the utterance). */
  flush(): OggSegment | undefined {
    if (this.#pending.length === 0) return undefined;
    const priming = this.#index === 0 ? [] : this.#history;
    const writer = new OggOpusWriter({
      channels: this.#channels,
      preSkip: this.#index === 0 ? OPUS_PRE_SKIP : priming.length * OPUS_FRAME_SAMPLES,
      // One page per segment: the whole file is a handful of pages at most.
      packetsPerPage: 255,
      serial: this.#index + 1,
    });
    const pages: Buffer[] = [];
    for (const packet of [...priming, ...this.#pending]) pages.push(...writer.writePacket(packet));
    pages.push(...writer.end());
    const segment: OggSegment = { bytes: Buffer.concat(pages), index: this.#index, audioMs: this.#pending.length * 20 };
    this.#history = [...priming, ...this.#pending].slice(-this.#priming);
    if (this.#priming === 0) this.#history = [];
    this.#pending = [];
    this.#index += 1;
    return segment;
  }
}
