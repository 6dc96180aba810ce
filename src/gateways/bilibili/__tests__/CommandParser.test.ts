import { describe, expect, it } from 'vitest';
import type { BilibiliEvent } from '../BilibiliEvent.ts';
import { commandName, parseWebCommand } from '../CommandParser.ts';
import { PacketError } from '../PacketError.ts';
import * as bodies from '../../../../test/fakes/bilibili/commandBodies.ts';

const context = { source: 'web' as const, roomId: 22608112, receivedAt: 1_767_000_000_500 };
const parse = (body: unknown): BilibiliEvent[] => parseWebCommand(body, context);
function only<T extends BilibiliEvent['type']>(body: unknown, type: T): Extract<BilibiliEvent, { type: T }> {
  const events = parse(body);
  expect(events).toHaveLength(1);
  expect(events[0]!.type).toBe(type);
  return events[0] as Extract<BilibiliEvent, { type: T }>;
}

describe('commandName', () => {
  it('strips the version suffix from command names', () => {
    expect(commandName('DANMU_MSG:4:0:2:2:2:0')).toBe('DANMU_MSG');
    expect(commandName('SEND_GIFT')).toBe('SEND_GIFT');
  });
});

describe('parseWebCommand', () => {
  it('reads a danmaku with uid, name, medal, guard level, id and timing', () => {
    const event = only(bodies.danmuMsg({ uid: 6088969, uname: '晴天小猪', text: '主播晚上好', idStr: 'abc123', guardLevel: 3, isAdmin: true, medal: { level: 21, name: '小猪', roomId: 22608112, anchorUid: 1521113 } }), 'danmaku');
    expect(event).toMatchObject({
      source: 'web',
      roomId: 22608112,
      cmd: 'DANMU_MSG',
      receivedAt: context.receivedAt,
      id: 'abc123',
      text: '主播晚上好',
      isAutomatic: false,
      isMirror: false,
      isVoice: false,
      sentAt: 1_767_000_000_123,
      dedupeKey: 'danmaku:abc123',
      viewer: { id: '6088969', uid: 6088969, name: '晴天小猪', masked: false, guardLevel: 3, isAdmin: true, userLevel: 12, medal: { name: '小猪', level: 21, roomId: 22608112, anchorUid: 1521113 } },
    });
    expect(event.emoticon).toBeUndefined();
    expect(event.replyTo).toBeUndefined();
  });

  it('accepts suffixed command names like DANMU_MSG:4:0:2:2:2:0', () => {
    const event = only(bodies.danmuMsg({ cmd: 'DANMU_MSG:4:0:2:2:2:0', text: '后缀' }), 'danmaku');
    expect(event.cmd).toBe('DANMU_MSG');
    expect(event.text).toBe('后缀');
  });

  it('flags masked viewers, lottery danmaku, mirrors, voice danmaku, replies and inline emoticons', () => {
    const masked = only(bodies.danmuMsg({ uid: 0, uname: '提***' }), 'danmaku');
    expect(masked.viewer).toMatchObject({ id: undefined, masked: true, name: '提***' });
    expect(only(bodies.danmuMsg({ msgType: 1, text: '老板大气！点点红包抽礼物' }), 'danmaku').isAutomatic).toBe(true);
    expect(only(bodies.danmuMsg({ cmd: 'DANMU_MSG_MIRROR' }), 'danmaku').isMirror).toBe(true);
    expect(only(bodies.danmuMsg({ dmType: 2 }), 'danmaku').isVoice).toBe(true);
    const reply = only(bodies.danmuMsg({ text: '@小明 同意', replyUname: '小明', replyMid: 777 }), 'danmaku');
    expect(reply.replyTo).toEqual({ name: '小明', id: '777' });
    const emots = only(bodies.danmuMsg({ text: '笑死[doge][热]', emots: { '[doge]': { emoticon_id: 208, url: 'x' }, '[热]': { emoticon_id: 209, url: 'y' } } }), 'danmaku');
    expect(emots.inlineEmoticons).toEqual(['[doge]', '[热]']);
  });

  it('reads a sticker danmaku as an emoticon named by its text', () => {
    const event = only(bodies.danmuMsg({ dmType: 1, text: '赞', emoticonUnique: 'upower_[UPOWER_1_赞]' }), 'danmaku');
    expect(event.emoticon).toEqual({ id: 'upower_[UPOWER_1_赞]', name: '赞', url: 'https://i0.hdslb.com/bfs/live/zan.png' });
  });

  it('reads SEND_GIFT with price, coin type, combo ids and blind box', () => {
    const event = only(bodies.sendGift({ giftId: 31036, giftName: '小花花', num: 5, price: 100, tid: 'T-1', blind: { name: '心动盲盒', price: 15000 }, totalCoin: 15000 }), 'gift');
    expect(event).toMatchObject({
      variant: 'legacy',
      giftId: 31036,
      giftName: '小花花',
      num: 5,
      coinType: 'gold',
      unitPrice: 100,
      totalCoin: 15000,
      action: '投喂',
      blindGift: { originalName: '心动盲盒', originalPrice: 15000 },
      dedupeKey: 'gift:T-1',
      viewer: { id: '6088969', name: '晴天小猪', medal: { name: '小猪', level: 21 } },
    });
    expect(event.comboId).toMatch(/^gift:combo_id:/);
    expect(event.batchComboId).toMatch(/^batch:gift:combo_id:/);
    expect(only(bodies.sendGift({ coinType: 'silver', price: 0 }), 'gift').coinType).toBe('silver');
  });

  it('reads SEND_GIFT_V2 protobuf, one event per item of a blind-box broadcast, deduplicating with SEND_GIFT by tid', () => {
    const v2 = parse(
      bodies.sendGiftV2({
        uid: 6088969,
        uname: '晴天小猪',
        guardLevel: 3,
        blind: { name: '心动盲盒', price: 15000 },
        items: [
          { giftId: 32251, giftName: '星河入梦', num: 1, price: 19900, tid: 'T-2' },
          { giftId: 31036, giftName: '小花花', num: 3, price: 100, tid: 'T-3', coinType: 'gold' },
        ],
      }),
    );
    expect(v2.map((e) => e.type)).toEqual(['gift', 'gift']);
    const [first, second] = v2 as Extract<BilibiliEvent, { type: 'gift' }>[];
    expect(first).toMatchObject({ variant: 'protobuf', giftId: 32251, giftName: '星河入梦', num: 1, unitPrice: 19900, totalCoin: 19900, coinType: 'gold', blindGift: { originalName: '心动盲盒', originalPrice: 15000 }, dedupeKey: 'gift:T-2' });
    expect(first!.viewer).toMatchObject({ id: '6088969', name: '晴天小猪', guardLevel: 3, medal: { name: '小猪', level: 21, roomId: 22608112, anchorUid: 1521113 } });
    expect(second).toMatchObject({ giftId: 31036, num: 3, totalCoin: 300, dedupeKey: 'gift:T-3' });
    const legacy = only(bodies.sendGift({ tid: 'T-3', giftId: 31036, num: 3 }), 'gift');
    expect(legacy.dedupeKey).toBe(second!.dedupeKey);
    const nested = parse(bodies.sendGiftV2({ nested: true, items: [{ giftId: 1, giftName: 'g', num: 1, price: 1, tid: 'T-4' }] }));
    expect(nested[0]).toMatchObject({ type: 'gift', dedupeKey: 'gift:T-4' });
  });

  it('keeps 16-digit uids from protobuf exact', () => {
    const event = only(bodies.interactWordV2({ uid: 3546569288714792n, msgType: 2 }), 'interact');
    expect(event.viewer.id).toBe('3546569288714792');
    expect(event.action).toBe('follow');
  });

  it('reads super chats, the Japanese variant and deletions', () => {
    const sc = only(bodies.superChat({ id: 10843571, price: 30, message: '主播唱首歌吧！', uname: '醒目的人' }), 'superChat');
    expect(sc).toMatchObject({ id: '10843571', priceCny: 30, message: '主播唱首歌吧！', durationSeconds: 60, dedupeKey: 'superChat:10843571', viewer: { id: '35213484', name: '醒目的人', guardLevel: 3, medal: { name: '小猪', level: 23 } } });
    const jpn = only(bodies.superChat({ id: '10843571', jpn: true }), 'superChat');
    expect(jpn.messageJpn).toBe('配信者さん、歌を歌ってください！');
    expect(jpn.dedupeKey).toBe(sc.dedupeKey);
    expect(only(bodies.superChatDelete([10843571, '10843572']), 'superChatDelete').ids).toEqual(['10843571', '10843572']);
  });

  it('gives all commands of one guard purchase the same dedupe key and flags the V2 repeat', () => {
    const purchase = { uid: 4200001, uname: '舰长大人', level: 3 as const, startTime: 1_767_000_111 };
    const events = [bodies.guardBuy(purchase), bodies.userToastMsg(purchase), bodies.userToastMsgV2({ ...purchase, source: 0 }), bodies.userToastMsgV2({ ...purchase, source: 2 })].map((body) => only(body, 'guard'));
    expect(new Set(events.map((e) => e.dedupeKey)).size).toBe(1);
    expect(events.map((e) => e.variant)).toEqual(['GUARD_BUY', 'USER_TOAST_MSG', 'USER_TOAST_MSG_V2', 'USER_TOAST_MSG_V2']);
    expect(events.map((e) => e.isRepeat)).toEqual([false, false, false, true]);
    for (const event of events) expect(event).toMatchObject({ level: 3, num: 1, unit: '月', viewer: { id: '4200001', name: '舰长大人', guardLevel: 3 } });
    expect(events[0]!.priceGold).toBe(198000);
    expect(events[2]!.priceGold).toBe(138000);
    const another = only(bodies.guardBuy({ ...purchase, startTime: 1_767_999_999 }), 'guard');
    expect(another.dedupeKey).not.toBe(events[0]!.dedupeKey);
  });

  it('reads enter / follow / share from INTERACT_WORD and its protobuf successor, and likes', () => {
    expect(only(bodies.interactWord({ msgType: 1 }), 'interact').action).toBe('enter');
    expect(only(bodies.interactWord({ msgType: 2 }), 'interact').action).toBe('follow');
    expect(only(bodies.interactWord({ msgType: 3, uname: '分享者' }), 'interact')).toMatchObject({ action: 'share', viewer: { name: '分享者', id: '7100001' } });
    const v2 = only(bodies.interactWordV2({ uid: 123, uname: '新来的观众', msgType: 1, guardLevel: 2 }), 'interact');
    expect(v2).toMatchObject({ cmd: 'INTERACT_WORD_V2', action: 'enter', viewer: { id: '123', name: '新来的观众', guardLevel: 2, faceUrl: 'https://i0.hdslb.com/bfs/face/y.jpg' } });
    expect(only(bodies.interactWordV2({ msgType: 5 }), 'interact').action).toBe('mutual-follow');
    expect(only(bodies.interactWordV2({ msgType: 6 }), 'like').count).toBe(1);
    expect(only(bodies.likeClick({ uid: 7100002, uname: '点赞的人' }), 'like')).toMatchObject({ count: 1, text: '为主播点赞了', viewer: { id: '7100002', name: '点赞的人' } });
  });

  it('reads recalls, live start/stop and room changes', () => {
    expect(only(bodies.recallDanmu('abc123'), 'recall').targetId).toBe('abc123');
    expect(only(bodies.liveStart(), 'liveStart').cmd).toBe('LIVE');
    expect(only(bodies.preparing(), 'liveStop').reason).toBe('ended');
    expect(only(bodies.cutOff(), 'liveStop')).toMatchObject({ reason: 'cut-off', message: '直播内容违规' });
    expect(only(bodies.roomChange(), 'roomChange')).toMatchObject({ change: 'info', title: '今晚唱歌', areaName: '虚拟Singer' });
    expect(only(bodies.silentOn(), 'roomChange').change).toBe('silent-on');
    expect(only(bodies.silentOff(), 'roomChange').change).toBe('silent-off');
    expect(only(bodies.roomBlock(), 'roomChange')).toMatchObject({ change: 'viewer-blocked', viewer: { id: '9900001', name: '捣乱的人' } });
    expect(only(bodies.warning(), 'roomChange')).toMatchObject({ change: 'warning', message: '请主播注意直播内容' });
    expect(only(bodies.loginNotice(), 'roomChange')).toMatchObject({ change: 'login-notice', message: '为保护用户隐私，未登录无法查看他人昵称' });
  });

  it('surfaces unknown commands by name', () => {
    expect(parse(bodies.onlineRankCount())).toEqual([{ ...context, cmd: 'ONLINE_RANK_COUNT', type: 'unknown' }]);
    expect(parse({ cmd: 'SOMETHING_NEW:1:2', data: {} })).toEqual([{ ...context, cmd: 'SOMETHING_NEW', type: 'unknown' }]);
  });

  it('throws a PacketError naming the command for malformed known commands and bodies without cmd', () => {
    const cases: [unknown, string | undefined][] = [
      [{ cmd: 'DANMU_MSG', info: 'nope' }, 'DANMU_MSG'],
      [{ cmd: 'SEND_GIFT_V2', data: { pb: Buffer.from([0x0a, 0x50, 0x01]).toString('base64') } }, 'SEND_GIFT_V2'],
      [{ cmd: 'SEND_GIFT_V2', data: {} }, 'SEND_GIFT_V2'],
      [{ cmd: 'SUPER_CHAT_MESSAGE', data: { price: 30 } }, 'SUPER_CHAT_MESSAGE'],
      [{ cmd: 'GUARD_BUY', data: { uid: 1, guard_level: 0 } }, 'GUARD_BUY'],
      [{ cmd: 'RECALL_DANMU_MSG', data: {} }, 'RECALL_DANMU_MSG'],
      [{ data: {} }, undefined],
      [[1, 2, 3], undefined],
    ];
    for (const [body, cmd] of cases) {
      let caught: unknown;
      try {
        parse(body);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(body)).toBeInstanceOf(PacketError);
      expect((caught as PacketError).reason).toBe('bad-command');
      expect((caught as PacketError).cmd).toBe(cmd);
    }
  });
});
