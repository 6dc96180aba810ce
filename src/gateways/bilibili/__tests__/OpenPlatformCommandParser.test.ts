import { describe, expect, it } from 'vitest';
import type { BilibiliEvent } from '../BilibiliEvent.ts';
import { parseOpenPlatformCommand } from '../OpenPlatformCommandParser.ts';
import { PacketError } from '../PacketError.ts';
import * as bodies from '../../../../test/fakes/bilibili/commandBodies.ts';

const context = { roomId: 22608112, receivedAt: 1_767_000_000_500 };
function only<T extends BilibiliEvent['type']>(body: unknown, type: T): Extract<BilibiliEvent, { type: T }> {
  const events = parseOpenPlatformCommand(body, context);
  expect(events).toHaveLength(1);
  expect(events[0]!.type).toBe(type);
  return events[0] as Extract<BilibiliEvent, { type: T }>;
}
const OPEN_ID = '39b8fedb-60a5-4e29-ac75-b16955f7e632';

describe('parseOpenPlatformCommand', () => {
  it('reads danmaku with open_id as the viewer id and msg_id as the message id', () => {
    const event = only(bodies.openDanmaku({ msg: '你好呀[doge]', msgId: 'm-1', replyUname: '小明' }), 'danmaku');
    expect(event).toMatchObject({
      source: 'open-platform',
      roomId: 22608112,
      id: 'm-1',
      text: '你好呀[doge]',
      inlineEmoticons: ['[doge]'],
      isMirror: false,
      replyTo: { name: '小明' },
      dedupeKey: 'danmaku:m-1',
      sentAt: 1_767_000_000_000,
      viewer: { id: OPEN_ID, openId: OPEN_ID, name: '开放平台观众', masked: false, medal: { name: '小猪', level: 5 } },
    });
    expect(event.viewer.uid).toBeUndefined();
    const sticker = only(bodies.openDanmaku({ dmType: 1, msg: '赞' }), 'danmaku');
    expect(sticker.emoticon).toMatchObject({ name: '赞', url: 'https://i0.hdslb.com/bfs/live/emoji.png' });
    expect(only({ ...(bodies.openDanmaku() as object), cmd: 'LIVE_OPEN_PLATFORM_DM_MIRROR' }, 'danmaku').isMirror).toBe(true);
  });

  it('reads gifts (paid and free), super chats, deletions, guards, likes, entries and live start/end', () => {
    expect(only(bodies.openGift({ msgId: 'g-1', num: 3 }), 'gift')).toMatchObject({ variant: 'open-platform', giftId: 31036, giftName: '小花花', num: 3, coinType: 'gold', unitPrice: 100, totalCoin: 300, comboId: 'combo-123', dedupeKey: 'gift:g-1', viewer: { id: OPEN_ID } });
    expect(only(bodies.openGift({ paid: false }), 'gift').coinType).toBe('silver');
    expect(only(bodies.openSuperChat({ messageId: 99, rmb: 50, message: '加油！' }), 'superChat')).toMatchObject({ id: '99', priceCny: 50, message: '加油！', durationSeconds: 90, dedupeKey: 'superChat:99', viewer: { id: OPEN_ID, guardLevel: 2 } });
    expect(only(bodies.openSuperChatDelete([99, 100]), 'superChatDelete').ids).toEqual(['99', '100']);
    expect(only(bodies.openGuard({ unit: '*3天', num: 1 }), 'guard')).toMatchObject({ variant: 'open-platform', level: 2, num: 1, unit: '*3天', priceGold: 1998000, isRepeat: false, viewer: { id: OPEN_ID, name: '开放平台观众', guardLevel: 2, medal: { name: '小猪', level: 5 } } });
    expect(only(bodies.openLike(), 'like')).toMatchObject({ count: 7, text: '为主播点赞了', viewer: { id: OPEN_ID } });
    expect(only(bodies.openLike(), 'like').viewer.medal).toBeUndefined();
    expect(only(bodies.openEnter(), 'interact')).toMatchObject({ action: 'enter', viewer: { id: OPEN_ID } });
    expect(only(bodies.openLiveStart(), 'liveStart').title).toBe('今晚唱歌');
    expect(only(bodies.openLiveEnd(), 'liveStop').reason).toBe('ended');
  });

  it('surfaces unknown commands and rejects malformed known ones', () => {
    expect(only({ cmd: 'LIVE_OPEN_PLATFORM_SOMETHING_NEW', data: {} }, 'unknown').cmd).toBe('LIVE_OPEN_PLATFORM_SOMETHING_NEW');
    expect(() => parseOpenPlatformCommand({ cmd: 'LIVE_OPEN_PLATFORM_DM', data: { msg: 'x' } }, context)).toThrow(PacketError);
    expect(() => parseOpenPlatformCommand({ cmd: 'LIVE_OPEN_PLATFORM_SUPER_CHAT', data: { open_id: 'o', rmb: 30 } }, context)).toThrow(PacketError);
    expect(() => parseOpenPlatformCommand({ cmd: 'LIVE_OPEN_PLATFORM_GUARD', data: { user_info: { open_id: 'o' }, guard_level: 9 } }, context)).toThrow(PacketError);
  });
});
