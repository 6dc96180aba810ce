import { describe, expect, it } from 'vitest';
import { PacketError } from '../PacketError.ts';
import { ProtobufMessage } from '../ProtobufMessage.ts';
import { ProtobufWriter } from '../../../../test/fakes/bilibili/ProtobufWriter.ts';

describe('ProtobufMessage', () => {
  it('reads varints, strings, nested and repeated messages, skipping fields it does not know', () => {
    const bytes = new ProtobufWriter()
      .uint(1, 300)
      .string(2, '晴天小猪')
      .fixed32(3, 0xdeadbeef)
      .message(4, new ProtobufWriter().uint(1, 7))
      .message(4, new ProtobufWriter().uint(1, 8))
      .uint(5, 18446744073709551615n)
      .finish();
    const message = ProtobufMessage.parse(bytes);
    expect(message.number(1)).toBe(300);
    expect(message.string(2)).toBe('晴天小猪');
    expect(message.messages(4).map((m) => m.number(1))).toEqual([7, 8]);
    expect(message.message(4)!.number(1)).toBe(8);
    expect(message.idString(5)).toBe('18446744073709551615');
    expect(message.number(5)).toBe(-1);
    expect(message.number(99)).toBe(0);
    expect(message.string(99)).toBe('');
    expect(message.has(3)).toBe(true);
  });

  it('throws PacketError on truncated or invalid input', () => {
    const good = new ProtobufWriter().string(2, 'hello').finish();
    expect(() => ProtobufMessage.parse(good.subarray(0, good.length - 2))).toThrow(PacketError);
    expect(() => ProtobufMessage.parse(Uint8Array.from([0x08, 0xff, 0xff]))).toThrow(PacketError);
    expect(() => ProtobufMessage.parse(Uint8Array.from([0x0b]))).toThrow(/wire type 3/);
    expect(() => ProtobufMessage.parse(Uint8Array.from([0x00, 0x01]))).toThrow(/field number 0/);
  });
});
