import { brotliCompressSync, deflateSync } from 'node:zlib';

/**
 * The fake server's own framing code, written separately from src/gateways/bilibili/PacketCodec.ts so a bug in the
 * codec cannot hide behind the same bug in the fake. Layout: pack_len u32, header_len u16 (16), ver u16, op u32, seq u32.
 */
export const FakeOp = { heartbeat: 2, heartbeatReply: 3, message: 5, auth: 7, authReply: 8 } as const;

export type Compression = 'none' | 'zlib' | 'brotli';

export function frame(operation: number, body: Buffer | string, version = 0, sequence = 0): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.alloc(16);
  header.writeUInt32BE(16 + payload.length, 0);
  header.writeUInt16BE(16, 4);
  header.writeUInt16BE(version, 6);
  header.writeUInt32BE(operation, 8);
  header.writeUInt32BE(sequence, 12);
  return Buffer.concat([header, payload]);
}

/** One WebSocket message carrying several commands, as the real server sends them: raw packets wrapped in one compressed packet. */
export function bundle(commands: readonly unknown[], compression: Compression): Buffer {
  const inner = Buffer.concat(commands.map((command) => frame(FakeOp.message, typeof command === 'string' ? command : JSON.stringify(command), 0)));
  switch (compression) {
    case 'none':
      return inner;
    case 'zlib':
      return frame(FakeOp.message, deflateSync(inner), 2);
    case 'brotli':
      return frame(FakeOp.message, brotliCompressSync(inner), 3);
  }
}

export function authReply(code: number): Buffer {
  return frame(FakeOp.authReply, JSON.stringify({ code }), 1);
}

export function heartbeatReply(popularity: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(popularity, 0);
  return frame(FakeOp.heartbeatReply, body, 1);
}

export interface ClientPacket {
  readonly operation: number;
  readonly version: number;
  readonly body: Buffer;
}

/** Splits what a client sent into packets (clients send well-formed, uncompressed packets). */
export function readClientPackets(data: Buffer): ClientPacket[] {
  const packets: ClientPacket[] = [];
  let offset = 0;
  while (offset + 16 <= data.length) {
    const length = data.readUInt32BE(offset);
    const headerLength = data.readUInt16BE(offset + 4);
    if (length < 16 || offset + length > data.length) throw new Error(`client sent a bad packet length ${length}`);
    packets.push({ operation: data.readUInt32BE(offset + 8), version: data.readUInt16BE(offset + 6), body: data.subarray(offset + headerLength, offset + length) });
    offset += length;
  }
  if (offset !== data.length) throw new Error('client sent trailing bytes');
  return packets;
}
