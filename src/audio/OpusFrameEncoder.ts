import discordOpus from '@discordjs/opus';
import { float32ToInt16 } from './pcm.ts';

// CommonJS addon: its named exports are not visible to ESM static analysis, so take them from the default export.
const { OpusEncoder } = discordOpus;
type OpusEncoder = InstanceType<typeof OpusEncoder>;

export const OPUS_SAMPLE_RATE = 48_000;
/** 20 ms at 48 kHz: the frame size Discord expects. */
export const OPUS_FRAME_SAMPLES = 960;
/**
 * Encoder lookahead of libopus at 48 kHz in the AUDIO application (2.5 ms + 4 ms delay compensation),
 * which is the application @discordjs/opus uses. Decoders discard this many samples (Ogg "pre-skip").
 */
export const OPUS_PRE_SKIP = 312;

export interface OpusFrame {
  /** One Opus packet encoding 20 ms. */
  readonly opus: Buffer;
  /** The 960 mono 48 kHz samples this packet encodes (before any stereo upmix). */
  readonly pcm: Int16Array;
}

export interface OpusFrameEncoderOptions {
  /** Channels in the Opus stream. Mono input is duplicated into both channels when 2 (Discord plays stereo). Default 2. */
  readonly channels?: 1 | 2;
  /** Target bitrate in bits per second; libopus picks one when omitted. */
  readonly bitrate?: number;
}

type EncoderState = { readonly status: 'encoding' } | { readonly status: 'ended' };

/**
 * Cuts a stream of 48 kHz mono PCM, in chunks of any size, into 20 ms Opus packets.
 *
 * States: 'encoding' → end() → 'ended'. end() pads the last partial frame with silence and, if
 * needed, adds silent frames until the encoder's lookahead ({@link OPUS_PRE_SKIP}) is flushed too,
 * so a decoder that honours pre-skip gets every input sample back.
 */
export class OpusFrameEncoder {
  readonly channels: 1 | 2;
  readonly #encoder: OpusEncoder;
  readonly #pending = new Int16Array(OPUS_FRAME_SAMPLES);
  #pendingLength = 0;
  #inputSamples = 0;
  #encodedSamples = 0;
  #state: EncoderState = { status: 'encoding' };

  constructor(options: OpusFrameEncoderOptions = {}) {
    this.channels = options.channels ?? 2;
    this.#encoder = new OpusEncoder(OPUS_SAMPLE_RATE, this.channels);
    if (options.bitrate !== undefined) this.#encoder.setBitrate(options.bitrate);
  }

  /** Input samples received so far: the true duration of the audio, without padding. */
  get inputSamples(): number {
    return this.#inputSamples;
  }

  /** Encodes every complete 20 ms frame now available; the remainder waits for the next push() or end(). */
  push(samples: Int16Array | Float32Array): OpusFrame[] {
    if (this.#state.status !== 'encoding') throw new Error('OpusFrameEncoder.push() after end()');
    const input = samples instanceof Float32Array ? float32ToInt16(samples) : samples;
    this.#inputSamples += input.length;
    const frames: OpusFrame[] = [];
    let offset = 0;
    while (offset < input.length) {
      const take = Math.min(OPUS_FRAME_SAMPLES - this.#pendingLength, input.length - offset);
      this.#pending.set(input.subarray(offset, offset + take), this.#pendingLength);
      this.#pendingLength += take;
      offset += take;
      if (this.#pendingLength === OPUS_FRAME_SAMPLES) frames.push(this.#encodePending());
    }
    return frames;
  }

  /** Pads and encodes what is left, then flushes the encoder lookahead. Returns [] when called again. */
  end(): OpusFrame[] {
    if (this.#state.status === 'ended') return [];
    this.#state = { status: 'ended' };
    const frames: OpusFrame[] = [];
    if (this.#pendingLength > 0) frames.push(this.#encodePending());
    while (this.#encodedSamples < this.#inputSamples + OPUS_PRE_SKIP) frames.push(this.#encodePending());
    return frames;
  }

  #encodePending(): OpusFrame {
    this.#pending.fill(0, this.#pendingLength);
    const pcm = this.#pending.slice();
    this.#pendingLength = 0;
    this.#encodedSamples += OPUS_FRAME_SAMPLES;
    return { opus: this.#encoder.encode(toEncoderInput(pcm, this.channels)), pcm };
  }
}

/** @discordjs/opus wants interleaved little-endian Int16 in a Buffer. */
function toEncoderInput(mono: Int16Array, channels: 1 | 2): Buffer {
  const buffer = Buffer.alloc(mono.length * 2 * channels);
  for (let i = 0; i < mono.length; i++) {
    const sample = mono[i]!;
    if (channels === 1) buffer.writeInt16LE(sample, i * 2);
    else {
      buffer.writeInt16LE(sample, i * 4);
      buffer.writeInt16LE(sample, i * 4 + 2);
    }
  }
  return buffer;
}
