import { brotliCompressSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePacket, PacketCodec } from '../PacketCodec.ts';
import { Operation } from '../Packet.ts';
import { authReply, bundle, frame, heartbeatReply } from '../../../../test/fakes/bilibili/fakeFraming.ts';

const codec = new PacketCodec();
const commandsOf = (packets: { kind: string }[]) => packets.filter((p): p is { kind: 'command'; body: unknown } => p.kind === 'command').map((p) => p.body);

describe('PacketCodec', () => {
  it('encodes the 16-byte big-endian header the server expects', () => {
    const packet = encodePacket(Operation.auth, '{"roomid":1}');
    const view = Buffer.from(packet);
    expect(view.readUInt32BE(0)).toBe(16 + 12);
    expect(view.readUInt16BE(4)).toBe(16);
    expect(view.readUInt16BE(6)).toBe(1);
    expect(view.readUInt32BE(8)).toBe(7);
    expect(view.readUInt32BE(12)).toBe(1);
    expect(view.subarray(16).toString()).toBe('{"roomid":1}');
  });

  it('reads several raw packets from one message in order', async () => {
    const message = Buffer.concat([frame(5, '{"cmd":"A"}'), frame(5, '{"cmd":"B"}'), frame(5, '{"cmd":"C","n":3}')]);
    const decoded = await codec.decode(message);
    expect(decoded.errors).toEqual([]);
    expect(commandsOf(decoded.packets)).toEqual([{ cmd: 'A' }, { cmd: 'B' }, { cmd: 'C', n: 3 }]);
  });

  it.each(['zlib', 'brotli'] as const)('unpacks a %s bundle of several packets', async (compression) => {
    const commands = Array.from({ length: 13 }, (_, i) => ({ cmd: 'DANMU_MSG', i, text: `第${i}条` }));
    const decoded = await codec.decode(bundle(commands, compression));
    expect(decoded.errors).toEqual([]);
    expect(commandsOf(decoded.packets)).toEqual(commands);
  });

  it('handles a compressed bundle next to raw packets and a heartbeat reply in one message', async () => {
    const message = Buffer.concat([heartbeatReply(4321), bundle([{ cmd: 'X' }, { cmd: 'Y' }], 'zlib'), frame(5, '{"cmd":"Z"}'), bundle([{ cmd: 'W' }], 'brotli')]);
    const decoded = await codec.decode(message);
    expect(decoded.errors).toEqual([]);
    expect(decoded.packets[0]).toEqual({ kind: 'heartbeatReply', popularity: 4321 });
    expect(commandsOf(decoded.packets)).toEqual([{ cmd: 'X' }, { cmd: 'Y' }, { cmd: 'Z' }, { cmd: 'W' }]);
  });

  it('reads auth replies, including an unreadable one as a refusal', async () => {
    expect((await codec.decode(authReply(0))).packets).toEqual([{ kind: 'authReply', code: 0 }]);
    expect((await codec.decode(authReply(-101))).packets).toEqual([{ kind: 'authReply', code: -101 }]);
    const garbled = await codec.decode(frame(8, 'not json', 1));
    expect(garbled.packets).toEqual([{ kind: 'authReply', code: null }]);
    expect(garbled.errors.map((e) => e.reason)).toEqual(['invalid-json']);
  });

  it('reads popularity when pack_len leaves out the heartbeat reply body', async () => {
    const packet = Buffer.concat([frame(3, Buffer.alloc(0), 1), Buffer.from([0, 0, 0x30, 0x39]), Buffer.from('[object Object]')]);
    const decoded = await codec.decode(packet);
    expect(decoded.packets).toEqual([{ kind: 'heartbeatReply', popularity: 12345 }]);
    expect(decoded.errors).toEqual([]);
  });

  it('skips invalid JSON but keeps the packets around it', async () => {
    const message = Buffer.concat([frame(5, '{"cmd":"OK1"}'), frame(5, '{"cmd": "broken'), frame(5, '{"cmd":"OK2"}')]);
    const decoded = await codec.decode(message);
    expect(commandsOf(decoded.packets)).toEqual([{ cmd: 'OK1' }, { cmd: 'OK2' }]);
    expect(decoded.errors.map((e) => e.reason)).toEqual(['invalid-json']);
    expect(decoded.errors[0]!.code).toBe('bilibili-packet');
  });

  it('reports a truncated packet and keeps what came before it', async () => {
    const whole = frame(5, '{"cmd":"FIRST"}');
    const cut = frame(5, '{"cmd":"SECOND","padding":"xxxxxxxx"}').subarray(0, 25);
    const decoded = await codec.decode(Buffer.concat([whole, cut]));
    expect(commandsOf(decoded.packets)).toEqual([{ cmd: 'FIRST' }]);
    expect(decoded.errors.map((e) => e.reason)).toEqual(['truncated']);
  });

  it('reports stray bytes shorter than a header', async () => {
    const decoded = await codec.decode(Buffer.concat([frame(5, '{"cmd":"A"}'), Buffer.from([1, 2, 3])]));
    expect(commandsOf(decoded.packets)).toEqual([{ cmd: 'A' }]);
    expect(decoded.errors.map((e) => e.reason)).toEqual(['truncated']);
  });

  it('reports impossible lengths: pack_len below the header, and header_len beyond pack_len', async () => {
    const tooShort = frame(5, '{"cmd":"A"}');
    tooShort.writeUInt32BE(8, 0);
    expect((await codec.decode(tooShort)).errors.map((e) => e.reason)).toEqual(['bad-length']);

    const badHeader = frame(5, '{"cmd":"A"}');
    badHeader.writeUInt16BE(200, 4);
    const decoded = await codec.decode(Buffer.concat([badHeader, frame(5, '{"cmd":"AFTER"}')]));
    expect(decoded.errors.map((e) => e.reason)).toEqual(['bad-length']);
    expect(commandsOf(decoded.packets)).toEqual([{ cmd: 'AFTER' }]);
  });

  it('reports bodies that do not decompress', async () => {
    const message = Buffer.concat([frame(5, Buffer.from('this is not zlib at all'), 2), frame(5, Buffer.from([1, 2, 3, 4, 5, 6]), 3), frame(5, '{"cmd":"STILL_HERE"}')]);
    const decoded = await codec.decode(message);
    expect(decoded.errors.map((e) => e.reason)).toEqual(['bad-compression', 'bad-compression']);
    expect(commandsOf(decoded.packets)).toEqual([{ cmd: 'STILL_HERE' }]);
  });

  it('stops a decompression bomb at the size cap', async () => {
    const small = new PacketCodec({ maxDecompressedBytes: 64 * 1024 });
    const bomb = frame(5, deflateSync(Buffer.alloc(10 * 1024 * 1024)), 2);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const decoded = await small.decode(bomb);
    expect(decoded.packets).toEqual([]);
    expect(decoded.errors.map((e) => e.reason)).toEqual(['too-large']);
    const brotliBomb = frame(5, brotliCompressSync(Buffer.alloc(10 * 1024 * 1024)), 3);
    expect((await small.decode(brotliBomb)).errors.map((e) => e.reason)).toEqual(['too-large']);
  });

  it('refuses oversized messages and deep nesting', async () => {
    const tiny = new PacketCodec({ maxMessageBytes: 100 });
    expect((await tiny.decode(Buffer.alloc(101))).errors.map((e) => e.reason)).toEqual(['too-large']);
    const nested = frame(5, deflateSync(frame(5, deflateSync(frame(5, deflateSync(frame(5, '{"cmd":"DEEP"}')), 2)), 2)), 2);
    const decoded = await codec.decode(nested);
    expect(decoded.errors.map((e) => e.reason)).toEqual(['too-deep']);
    expect(commandsOf(decoded.packets)).toEqual([]);
  });

  it('reports an unknown protocol version and ignores unused operations', async () => {
    const decoded = await codec.decode(Buffer.concat([frame(5, '{"cmd":"A"}', 9), frame(6, 'x', 1)]));
    expect(decoded.errors.map((e) => e.reason)).toEqual(['unsupported-version']);
    expect(decoded.packets).toEqual([{ kind: 'ignored', operation: 6 }]);
  });
});
