/** Test-side protobuf encoder for the fake's SEND_GIFT_V2 / INTERACT_WORD_V2 payloads. */
export class ProtobufWriter {
  readonly #chunks: Buffer[] = [];

  #varint(value: bigint): void {
    const bytes: number[] = [];
    let rest = BigInt.asUintN(64, value);
    do {
      let byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (rest !== 0n);
    this.#chunks.push(Buffer.from(bytes));
  }

  uint(field: number, value: number | bigint): this {
    this.#varint(BigInt(field) << 3n);
    this.#varint(BigInt(value));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  bytes(field: number, value: Uint8Array): this {
    this.#varint((BigInt(field) << 3n) | 2n);
    this.#varint(BigInt(value.length));
    this.#chunks.push(Buffer.from(value));
    return this;
  }

  message(field: number, writer: ProtobufWriter): this {
    return this.bytes(field, writer.finish());
  }

  fixed32(field: number, value: number): this {
    this.#varint((BigInt(field) << 3n) | 5n);
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(value, 0);
    this.#chunks.push(bytes);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  base64(): string {
    return this.finish().toString('base64');
  }
}
