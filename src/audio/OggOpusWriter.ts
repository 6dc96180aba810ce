import { randomInt } from 'node:crypto';
import type { Writable } from 'node:stream';
import { OPUS_FRAME_SAMPLES, OPUS_PRE_SKIP, OPUS_SAMPLE_RATE } from './OpusFrameEncoder.ts';

export interface OggOpusWriterOptions {
  readonly channels: 1 | 2;
  /** Samples at 48 kHz the decoder must drop at the start (encoder lookahead). Default {@link OPUS_PRE_SKIP}. */
  readonly preSkip?: number;
  /** Packets per page. 50 × 20 ms = one page per second of audio, a good trade of overhead against latency. */
  readonly packetsPerPage?: number;
  /** Bitstream serial number; random by default so concatenated streams stay distinguishable. */
  readonly serial?: number;
  readonly vendor?: string;
  /** When given, every page is also written here as soon as it is complete. */
  readonly output?: Writable;
}

const FLAG_CONTINUED = 0x01;
const FLAG_BEGIN = 0x02;
const FLAG_END = 0x04;
const MAX_SEGMENTS = 255;

type WriterState =
  | { readonly status: 'idle' } // headers not written yet
  | { readonly status: 'writing' }
  | { readonly status: 'ended' };

/**
 * Muxes Opus packets into an Ogg Opus stream (RFC 7845) page by page, so it can feed a file, an HTTP
 * response or a WebSocket while audio is still being produced.
 *
 * States: 'idle' → first writePacket()/end() emits the OpusHead and OpusTags pages → 'writing' → end() → 'ended'.
 * Every method returns the pages it completed (each a Buffer holding one whole Ogg page).
 */
export class OggOpusWriter {
  readonly channels: 1 | 2;
  readonly preSkip: number;
  readonly #packetsPerPage: number;
  readonly #serial: number;
  readonly #vendor: string;
  readonly #output: Writable | undefined;
  #state: WriterState = { status: 'idle' };
  #sequence = 0;
  /** Granule of the last packet added, counted in 48 kHz samples including pre-skip. */
  #granule = 0;
  #lastPageGranule = 0;
  #pendingPackets: Buffer[] = [];

  constructor(options: OggOpusWriterOptions) {
    this.channels = options.channels;
    this.preSkip = options.preSkip ?? OPUS_PRE_SKIP;
    this.#packetsPerPage = Math.max(1, options.packetsPerPage ?? 50);
    this.#serial = options.serial ?? randomInt(0, 2 ** 32 - 1);
    this.#vendor = options.vendor ?? 'Chorus';
    this.#output = options.output;
  }

  /** Adds one Opus packet covering `samples` 48 kHz samples (20 ms by default). */
  writePacket(packet: Buffer, samples = OPUS_FRAME_SAMPLES): Buffer[] {
    if (this.#state.status === 'ended') throw new Error('OggOpusWriter.writePacket() after end()');
    const pages = this.#startIfIdle();
    const segments = this.#pendingPackets.reduce((sum, pending) => sum + segmentCount(pending), 0);
    // A page is closed only when the next packet arrives, so end() always has a page left to mark EOS.
    if (this.#pendingPackets.length >= this.#packetsPerPage || segments + segmentCount(packet) > MAX_SEGMENTS) {
      pages.push(this.#emitPage(this.#pendingPackets, this.#granule, 0));
      this.#pendingPackets = [];
    }
    this.#pendingPackets.push(packet);
    this.#granule += samples;
    return pages;
  }

  /** Closes the current page now (for low-latency live streaming), even if it holds fewer packets than usual. */
  flushPage(): Buffer[] {
    if (this.#state.status !== 'writing' || this.#pendingPackets.length === 0) return [];
    const page = this.#emitPage(this.#pendingPackets, this.#granule, 0);
    this.#pendingPackets = [];
    return [page];
  }

  /**
   * Writes the last page with the end-of-stream flag. `audioSamples` is the real audio length (48 kHz,
   * without pre-skip); when given, the final granule trims the silence that padded the last frame.
   */
  end(audioSamples?: number): Buffer[] {
    if (this.#state.status === 'ended') return [];
    const pages = this.#startIfIdle();
    let granule = this.#granule;
    if (audioSamples !== undefined) {
      granule = Math.min(this.#granule, Math.max(this.#lastPageGranule, this.preSkip + audioSamples));
    }
    pages.push(this.#emitPage(this.#pendingPackets, granule, FLAG_END));
    this.#pendingPackets = [];
    this.#state = { status: 'ended' };
    return pages;
  }

  #startIfIdle(): Buffer[] {
    if (this.#state.status !== 'idle') return [];
    this.#state = { status: 'writing' };
    return [this.#emitPage([this.#opusHead()], 0, FLAG_BEGIN), this.#emitPage([this.#opusTags()], 0, 0)];
  }

  #opusHead(): Buffer {
    const head = Buffer.alloc(19);
    head.write('OpusHead', 0, 'ascii');
    head.writeUInt8(1, 8); // version
    head.writeUInt8(this.channels, 9);
    head.writeUInt16LE(this.preSkip, 10);
    head.writeUInt32LE(OPUS_SAMPLE_RATE, 12); // original input rate, informational
    head.writeInt16LE(0, 16); // output gain
    head.writeUInt8(0, 18); // channel mapping family 0: mono or stereo
    return head;
  }

  #opusTags(): Buffer {
    const vendor = Buffer.from(this.#vendor, 'utf8');
    const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
    tags.write('OpusTags', 0, 'ascii');
    tags.writeUInt32LE(vendor.length, 8);
    vendor.copy(tags, 12);
    tags.writeUInt32LE(0, 12 + vendor.length); // no user comments
    return tags;
  }

  #emitPage(packets: readonly Buffer[], granule: number, flags: number): Buffer {
    const lacing: number[] = [];
    for (const packet of packets) {
      // A packet is 255-byte segments followed by one shorter segment (possibly 0) that marks its end.
      for (let remaining = packet.length; ; remaining -= 255) {
        if (remaining >= 255) lacing.push(255);
        else {
          lacing.push(remaining);
          break;
        }
      }
    }
    const body = Buffer.concat(packets as Buffer[]);
    const page = Buffer.alloc(27 + lacing.length + body.length);
    page.write('OggS', 0, 'ascii');
    page.writeUInt8(0, 4); // stream structure version
    page.writeUInt8(flags & ~FLAG_CONTINUED, 5); // packets never span pages here
    page.writeBigUInt64LE(BigInt(granule), 6);
    page.writeUInt32LE(this.#serial, 14);
    page.writeUInt32LE(this.#sequence++, 18);
    page.writeUInt32LE(0, 22); // CRC is computed with this field zeroed
    page.writeUInt8(lacing.length, 26);
    Buffer.from(lacing).copy(page, 27);
    body.copy(page, 27 + lacing.length);
    page.writeUInt32LE(oggCrc32(page), 22);
    this.#lastPageGranule = granule;
    this.#output?.write(page);
    return page;
  }
}

function segmentCount(packet: Buffer): number {
  return Math.floor(packet.length / 255) + 1;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04C11DB7, MSB first, initial value 0, no final XOR (not the zlib CRC). */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  return crc >>> 0;
}
