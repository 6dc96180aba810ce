import { brotliDecompress, inflate, type ZlibOptions, type BrotliOptions } from 'node:zlib';
import { HEADER_LENGTH, Operation, ProtocolVersion, type InboundPacket } from './Packet.ts';
import { PacketError } from './PacketError.ts';

export interface PacketCodecOptions {
  /** Largest WebSocket message accepted at all. Real bundles are a few KiB. */
  readonly maxMessageBytes?: number;
  /** Total bytes all compressed bodies of one message may inflate to (decompression-bomb cap). */
  readonly maxDecompressedBytes?: number;
  /** How many compressed bodies may be nested inside each other; the server nests one level. */
  readonly maxCompressionDepth?: number;
}

export interface DecodedMessage {
  readonly packets: InboundPacket[];
  readonly errors: PacketError[];
}

const DEFAULTS = { maxMessageBytes: 4 * 1024 * 1024, maxDecompressedBytes: 16 * 1024 * 1024, maxCompressionDepth: 2 };

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

function inflateAsync(body: Uint8Array, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => inflate(body, options, (error, result) => (error ? reject(error) : resolve(result))));
}

function brotliAsync(body: Uint8Array, options: BrotliOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => brotliDecompress(body, options, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Builds one packet. Clients send version 1 for auth and heartbeats and sequence 1 (the server ignores it). */
export function encodePacket(operation: number, body: string | Uint8Array, version: number = ProtocolVersion.control, sequence = 1): Uint8Array {
  const bytes = typeof body === 'string' ? utf8Encoder.encode(body) : body;
  const packet = new Uint8Array(HEADER_LENGTH + bytes.length);
  const view = new DataView(packet.buffer);
  view.setUint32(0, packet.length);
  view.setUint16(4, HEADER_LENGTH);
  view.setUint16(6, version);
  view.setUint32(8, operation);
  view.setUint32(12, sequence);
  packet.set(bytes, HEADER_LENGTH);
  return packet;
}

/**
 * Decodes WebSocket messages into packets. A message may hold several packets, and a compressed body is itself a
 * concatenation of packets. Anything malformed becomes a `PacketError` in the result and is skipped; decoding never
 * throws, so one bad packet cannot take the connection down.
 */
export class PacketCodec {
  readonly #maxMessageBytes: number;
  readonly #maxDecompressedBytes: number;
  readonly #maxCompressionDepth: number;

  constructor(options: PacketCodecOptions = {}) {
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULTS.maxMessageBytes;
    this.#maxDecompressedBytes = options.maxDecompressedBytes ?? DEFAULTS.maxDecompressedBytes;
    this.#maxCompressionDepth = options.maxCompressionDepth ?? DEFAULTS.maxCompressionDepth;
  }

  encode(operation: number, body: string | Uint8Array): Uint8Array {
    return encodePacket(operation, body);
  }

  async decode(message: Uint8Array): Promise<DecodedMessage> {
    const result: DecodedMessage = { packets: [], errors: [] };
    if (message.length > this.#maxMessageBytes) {
      result.errors.push(new PacketError('too-large', `a ${message.length}-byte message exceeds the ${this.#maxMessageBytes}-byte limit`));
      return result;
    }
    await this.#unpack(message, 0, result, { remaining: this.#maxDecompressedBytes });
    return result;
  }

  async #unpack(buffer: Uint8Array, depth: number, result: DecodedMessage, budget: { remaining: number }): Promise<void> {
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let offset = 0;
    while (offset < buffer.length) {
      const left = buffer.length - offset;
      if (left < HEADER_LENGTH) {
        result.errors.push(new PacketError('truncated', `${left} stray bytes where a 16-byte header was expected`));
        return;
      }
      const packLength = view.getUint32(offset);
      const headerLength = view.getUint16(offset + 4);
      const version = view.getUint16(offset + 6);
      const operation = view.getUint32(offset + 8);
      if (packLength < HEADER_LENGTH) {
        // Without a usable length there is no way to find the next packet: drop the rest of this message.
        result.errors.push(new PacketError('bad-length', `packet length ${packLength} is shorter than its header`));
        return;
      }
      if (operation === Operation.heartbeatReply && packLength < headerLength + 4) {
        // Some servers leave the 4-byte popularity (and the echoed client body) out of pack_len: it runs to the end.
        if (left >= headerLength + 4) {
          result.packets.push({ kind: 'heartbeatReply', popularity: view.getUint32(offset + headerLength) });
        }
        return;
      }
      if (packLength > left) {
        result.errors.push(new PacketError('truncated', `packet claims ${packLength} bytes but only ${left} arrived`));
        return;
      }
      if (headerLength < HEADER_LENGTH || headerLength > packLength) {
        result.errors.push(new PacketError('bad-length', `header length ${headerLength} does not fit a ${packLength}-byte packet`));
        offset += packLength;
        continue;
      }
      const body = buffer.subarray(offset + headerLength, offset + packLength);
      offset += packLength;
      switch (operation) {
        case Operation.message:
          await this.#message(version, body, depth, result, budget);
          break;
        case Operation.authReply:
          result.packets.push({ kind: 'authReply', code: this.#authCode(body, result) });
          break;
        case Operation.heartbeatReply:
          result.packets.push({ kind: 'heartbeatReply', popularity: body.length >= 4 ? new DataView(body.buffer, body.byteOffset, 4).getUint32(0) : 0 });
          break;
        default:
          result.packets.push({ kind: 'ignored', operation });
      }
    }
  }

  async #message(version: number, body: Uint8Array, depth: number, result: DecodedMessage, budget: { remaining: number }): Promise<void> {
    switch (version) {
      case ProtocolVersion.raw:
      case ProtocolVersion.control: {
        if (body.length === 0) return;
        const parsed = parseJson(body);
        if (parsed.ok) result.packets.push({ kind: 'command', body: parsed.value });
        else result.errors.push(new PacketError('invalid-json', `a ${body.length}-byte command body is not JSON`, { cause: parsed.error }));
        return;
      }
      case ProtocolVersion.zlib:
      case ProtocolVersion.brotli: {
        const name = version === ProtocolVersion.zlib ? 'zlib' : 'brotli';
        if (depth >= this.#maxCompressionDepth) {
          result.errors.push(new PacketError('too-deep', `${name} bundle nested ${depth + 1} levels deep`));
          return;
        }
        if (budget.remaining <= 0) {
          result.errors.push(new PacketError('too-large', `${name} bundle skipped: the message already inflated to the ${this.#maxDecompressedBytes}-byte limit`));
          return;
        }
        let inflated: Buffer;
        try {
          const options = { maxOutputLength: budget.remaining };
          inflated = version === ProtocolVersion.zlib ? await inflateAsync(body, options) : await brotliAsync(body, options);
        } catch (error) {
          const tooLarge = error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
          result.errors.push(
            tooLarge
              ? new PacketError('too-large', `${name} bundle inflates past the ${this.#maxDecompressedBytes}-byte limit`)
              : new PacketError('bad-compression', `${name} bundle of ${body.length} bytes does not decompress`, { cause: error }),
          );
          return;
        }
        budget.remaining -= inflated.length;
        await this.#unpack(inflated, depth + 1, result, budget);
        return;
      }
      default:
        result.errors.push(new PacketError('unsupported-version', `protocol version ${version}`));
    }
  }

  #authCode(body: Uint8Array, result: DecodedMessage): number | null {
    const parsed = parseJson(body);
    if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && typeof (parsed.value as { code?: unknown }).code === 'number') {
      return (parsed.value as { code: number }).code;
    }
    result.errors.push(new PacketError('invalid-json', 'the auth reply has no numeric code'));
    return null;
  }
}

function parseJson(body: Uint8Array): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: JSON.parse(utf8.decode(body)) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}
