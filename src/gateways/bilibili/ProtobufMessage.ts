import { PacketError } from './PacketError.ts';

type FieldValue = bigint | Uint8Array;

const utf8 = new TextDecoder('utf-8');
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A just-enough protobuf reader for the few messages Bilibili sends as base64 protobuf (SEND_GIFT_V2,
 * INTERACT_WORD_V2). It indexes fields by number; callers pick the ones they know. Unknown fields are kept and
 * ignored, as protobuf intends. Malformed input throws `PacketError('bad-command')`.
 */
export class ProtobufMessage {
  readonly #fields = new Map<number, FieldValue[]>();

  private constructor() {}

  static parse(bytes: Uint8Array, cmd?: string): ProtobufMessage {
    const message = new ProtobufMessage();
    let offset = 0;
    const fail = (why: string): never => {
      throw new PacketError('bad-command', `protobuf body ${why} at byte ${offset}`, cmd === undefined ? undefined : { cmd });
    };
    const readVarint = (): bigint => {
      let result = 0n;
      let shift = 0n;
      for (let i = 0; i < 10; i++) {
        if (offset >= bytes.length) fail('ends inside a varint');
        const byte = bytes[offset++]!;
        result |= BigInt(byte & 0x7f) << shift;
        if ((byte & 0x80) === 0) return result;
        shift += 7n;
      }
      return fail('has a varint longer than 10 bytes');
    };
    while (offset < bytes.length) {
      const key = readVarint();
      const field = Number(key >> 3n);
      const wireType = Number(key & 7n);
      if (field === 0) fail('uses field number 0');
      let value: FieldValue;
      switch (wireType) {
        case 0:
          value = readVarint();
          break;
        case 1:
        case 5: {
          const size = wireType === 1 ? 8 : 4;
          if (offset + size > bytes.length) fail('ends inside a fixed-width field');
          value = bytes.subarray(offset, offset + size);
          offset += size;
          break;
        }
        case 2: {
          const length = readVarint();
          if (length > BigInt(bytes.length - offset)) fail(`has a ${length}-byte field that runs past the end`);
          value = bytes.subarray(offset, offset + Number(length));
          offset += Number(length);
          break;
        }
        default:
          return fail(`uses unsupported wire type ${wireType}`);
      }
      const list = message.#fields.get(field);
      if (list === undefined) message.#fields.set(field, [value]);
      else list.push(value);
    }
    return message;
  }

  static fromBase64(text: string, cmd?: string): ProtobufMessage {
    return ProtobufMessage.parse(Buffer.from(text, 'base64'), cmd);
  }

  has(field: number): boolean {
    return this.#fields.has(field);
  }

  /** A varint field as an exact bigint (proto3: absent means 0). */
  bigint(field: number): bigint {
    const value = this.#last(field);
    return typeof value === 'bigint' ? value : 0n;
  }

  /** A varint field as a number; ids above 2^53 would lose precision, so use `idString` for those. */
  number(field: number): number {
    const value = this.bigint(field);
    // Negative int32/int64 values arrive as 64-bit two's complement.
    if (value > MAX_SAFE) return value >= 1n << 63n ? Number(value - (1n << 64n)) : Number(value);
    return Number(value);
  }

  /** A varint id as a decimal string, exact at any size. */
  idString(field: number): string {
    return this.bigint(field).toString();
  }

  string(field: number): string {
    const value = this.#last(field);
    return value instanceof Uint8Array ? utf8.decode(value) : '';
  }

  message(field: number): ProtobufMessage | undefined {
    const value = this.#last(field);
    return value instanceof Uint8Array ? ProtobufMessage.parse(value) : undefined;
  }

  messages(field: number): ProtobufMessage[] {
    return (this.#fields.get(field) ?? []).filter((value): value is Uint8Array => value instanceof Uint8Array).map((value) => ProtobufMessage.parse(value));
  }

  #last(field: number): FieldValue | undefined {
    const list = this.#fields.get(field);
    return list === undefined ? undefined : list[list.length - 1];
  }
}
