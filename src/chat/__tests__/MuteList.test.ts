import { describe, expect, it } from 'vitest';
import { MuteList, type MuteChange } from '../MuteList.ts';

describe('MuteList', () => {
  it('reports each real change once, and not restored mutes or repeated ones', () => {
    const changes: MuteChange[] = [];
    const list = new MuteList({ restored: [{ platform: 'bilibili', userId: '7', displayName: '老观众', mutedAt: 5 }], onChange: (c) => changes.push(c) });
    expect(list.has({ platform: 'bilibili', userId: '7' })).toBe(true);
    expect(list.keys.has('bilibili:7')).toBe(true);
    expect(list.mute({ platform: 'bilibili', userId: '7', displayName: '老观众' })).toBe(false);
    expect(list.mute({ platform: 'discord', userId: '42', displayName: 'loud' }, 100)).toBe(true);
    expect(list.unmute({ platform: 'discord', userId: '43' })).toBe(false);
    expect(list.unmute({ platform: 'bilibili', userId: '7' })).toBe(true);
    expect(changes).toEqual([
      { kind: 'mute', viewer: { platform: 'discord', userId: '42', displayName: 'loud', mutedAt: 100 } },
      { kind: 'unmute', viewer: { platform: 'bilibili', userId: '7' } },
    ]);
    expect(list.list().map((v) => v.userId)).toEqual(['42']);
    expect(list.keys.has('bilibili:7')).toBe(false);
  });
});
