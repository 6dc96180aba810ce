import type {
  BilibiliEvent,
  BilibiliViewer,
  CommandContext,
  DanmakuEvent,
  FanMedal,
  GiftEvent,
  GuardEvent,
  InteractEvent,
} from './BilibiliEvent.ts';
import { arrayAt, hasValue, isJsonObject, numberAt, objectAt, stringAt, type JsonObject } from './jsonFields.ts';
import { PacketError } from './PacketError.ts';
import { ProtobufMessage } from './ProtobufMessage.ts';
import { medalFromInfo, toGuardLevel, webViewer } from './viewers.ts';

/** `DANMU_MSG:4:0:2:2:2:0` → `DANMU_MSG`: the server appends version suffixes to some names. */
export function commandName(cmd: string): string {
  const colon = cmd.indexOf(':');
  return colon === -1 ? cmd : cmd.slice(0, colon);
}

/** Reads `cmd` from a command body, or throws `PacketError('bad-command')`. */
export function commandOf(body: unknown): string {
  if (!isJsonObject(body) || typeof body['cmd'] !== 'string' || body['cmd'] === '') {
    throw new PacketError('bad-command', 'a message body without a "cmd" name');
  }
  return commandName(body['cmd']);
}

type Base = { source: CommandContext['source']; roomId: number; receivedAt: number; cmd: string };

/**
 * Maps a web-route command body (already JSON-parsed) to events. Most commands give one event; a SEND_GIFT_V2
 * blind-box broadcast gives one per gift inside. Throws `PacketError('bad-command')` when a known command is
 * malformed; unknown commands become `{ type: 'unknown' }`.
 */
export function parseWebCommand(body: unknown, context: CommandContext): BilibiliEvent[] {
  const cmd = commandOf(body);
  const base: Base = { source: context.source, roomId: context.roomId, receivedAt: context.receivedAt, cmd };
  const data = objectAt(body, 'data');
  try {
    switch (cmd) {
      case 'DANMU_MSG':
      case 'DANMU_MSG_MIRROR':
        return [danmaku(body as JsonObject, base, cmd === 'DANMU_MSG_MIRROR')];
      case 'SEND_GIFT':
        return [legacyGift(data, base)];
      case 'SEND_GIFT_V2':
        return protobufGifts(data, base);
      case 'SUPER_CHAT_MESSAGE':
      case 'SUPER_CHAT_MESSAGE_JPN':
        return [superChat(data, base)];
      case 'SUPER_CHAT_MESSAGE_DELETE':
        return [{ ...base, type: 'superChatDelete', ids: arrayAt(data, 'ids').map((id) => stringAt([id], 0)).filter((id) => id !== '') }];
      case 'GUARD_BUY':
      case 'USER_TOAST_MSG':
      case 'USER_TOAST_MSG_V2':
        return [guard(data, base, cmd)];
      case 'INTERACT_WORD':
        return interactWord(data, base);
      case 'INTERACT_WORD_V2':
        return interactWordV2(data, base);
      case 'LIKE_INFO_V3_CLICK':
        return [{ ...base, type: 'like', viewer: viewerFromData(data), count: 1, text: stringAt(data, 'like_text') }];
      case 'RECALL_DANMU_MSG':
        return [{ ...base, type: 'recall', targetId: requireString(data, 'target_id', cmd) }];
      case 'LIVE':
        return [{ ...base, type: 'liveStart' }];
      case 'PREPARING':
        return [{ ...base, type: 'liveStop', reason: 'ended' }];
      case 'CUT_OFF':
        return [{ ...base, type: 'liveStop', reason: 'cut-off', message: stringAt(body, 'msg', stringAt(data, 'msg')) }];
      case 'ROOM_CHANGE':
        return [{ ...base, type: 'roomChange', change: 'info', title: stringAt(data, 'title'), areaName: stringAt(data, 'area_name') }];
      case 'ROOM_SILENT_ON':
        return [{ ...base, type: 'roomChange', change: 'silent-on' }];
      case 'ROOM_SILENT_OFF':
        return [{ ...base, type: 'roomChange', change: 'silent-off' }];
      case 'ROOM_BLOCK_MSG': {
        const uid = hasValue(data, 'uid') ? stringAt(data, 'uid') : stringAt(body, 'uid');
        const name = hasValue(data, 'uname') ? stringAt(data, 'uname') : stringAt(body, 'uname');
        return [{ ...base, type: 'roomChange', change: 'viewer-blocked', viewer: webViewer({ uid, name }) }];
      }
      case 'WARNING':
        return [{ ...base, type: 'roomChange', change: 'warning', message: stringAt(body, 'msg', stringAt(data, 'msg')) }];
      case 'LOG_IN_NOTICE':
        return [{ ...base, type: 'roomChange', change: 'login-notice', message: stringAt(data, 'notice_msg') }];
      default:
        return [{ ...base, type: 'unknown' }];
    }
  } catch (error) {
    if (error instanceof PacketError) {
      throw error.cmd === undefined ? new PacketError(error.reason, error.message, { cmd, cause: error }) : error;
    }
    throw new PacketError('bad-command', `${cmd} could not be read`, { cmd, cause: error });
  }
}

function requireString(data: JsonObject, key: string, cmd: string): string {
  const value = stringAt(data, key);
  if (value === '') throw new PacketError('bad-command', `${cmd} without ${key}`, { cmd });
  return value;
}

function danmaku(body: JsonObject, base: Base, isMirror: boolean): DanmakuEvent {
  const info = body['info'];
  if (!Array.isArray(info) || !Array.isArray(info[0]) || typeof info[1] !== 'string' || !Array.isArray(info[2])) {
    throw new PacketError('bad-command', `${base.cmd} without the info[0..2] arrays`, { cmd: base.cmd });
  }
  const meta = info[0] as unknown[];
  const user = info[2] as unknown[];
  const text = info[1] as string;
  const extra = objectAt(objectAt(meta, 15), 'extra');
  const medalArray = arrayAt(info, 3);
  const medal: FanMedal | undefined =
    medalArray.length >= 2
      ? {
          level: numberAt(medalArray, 0),
          name: stringAt(medalArray, 1),
          ...(numberAt(medalArray, 3) ? { roomId: numberAt(medalArray, 3) } : {}),
          ...(numberAt(medalArray, 12) ? { anchorUid: numberAt(medalArray, 12) } : {}),
        }
      : undefined;
  const uid = stringAt(user, 0, '0');
  const viewer = webViewer({
    uid,
    name: stringAt(user, 1),
    guardLevel: numberAt(info, 7),
    medal,
    isAdmin: numberAt(user, 2) === 1,
    userLevel: numberAt(arrayAt(info, 4), 0),
    faceUrl: stringAt(objectAt(objectAt(objectAt(meta, 15), 'user'), 'base'), 'face'),
  });
  const sentAt = numberAt(meta, 4);
  const idStr = stringAt(extra, 'id_str');
  const id = idStr !== '' ? idStr : `${uid}:${sentAt}:${stringAt(meta, 5)}`;
  const dmType = numberAt(meta, 12);
  const emoticonOptions = objectAt(meta, 13);
  const emoticonId = stringAt(emoticonOptions, 'emoticon_unique');
  const replyName = stringAt(extra, 'reply_uname');
  const replyId = stringAt(extra, 'reply_mid');
  return {
    ...base,
    type: 'danmaku',
    id,
    viewer,
    text,
    ...(dmType === 1 && emoticonId !== ''
      ? { emoticon: { id: emoticonId, name: text, ...(hasValue(emoticonOptions, 'url') ? { url: stringAt(emoticonOptions, 'url') } : {}) } }
      : {}),
    inlineEmoticons: Object.keys(objectAt(extra, 'emots')),
    isAutomatic: numberAt(meta, 9) !== 0,
    isMirror,
    isVoice: dmType === 2 || hasValue(objectAt(meta, 14), 'voice_url'),
    ...(replyName !== '' ? { replyTo: { name: replyName, ...(replyId !== '' && replyId !== '0' ? { id: replyId } : {}) } } : {}),
    ...(sentAt ? { sentAt } : {}),
    dedupeKey: `danmaku:${id}`,
  };
}

function viewerFromData(data: JsonObject): BilibiliViewer {
  const fansMedal = objectAt(data, 'fans_medal');
  return webViewer({
    uid: stringAt(data, 'uid', '0'),
    name: stringAt(data, 'uname'),
    faceUrl: stringAt(data, 'face'),
    guardLevel: numberAt(data, 'guard_level', numberAt(fansMedal, 'guard_level')),
    medal: medalFromInfo(fansMedal),
  });
}

function giftKey(tid: string, uid: string, giftId: number, timestamp: number, rnd: string): string {
  // SEND_GIFT and SEND_GIFT_V2 for one gift share tid; without it fall back to what identifies one send.
  return tid !== '' && tid !== '0' ? `gift:${tid}` : `gift:${uid}:${giftId}:${timestamp}:${rnd}`;
}

function legacyGift(data: JsonObject, base: Base): GiftEvent {
  const giftId = numberAt(data, 'giftId');
  const giftName = stringAt(data, 'giftName');
  if (giftName === '' && giftId === 0) throw new PacketError('bad-command', 'SEND_GIFT without giftId/giftName', { cmd: base.cmd });
  const uid = stringAt(data, 'uid', '0');
  const num = numberAt(data, 'num', 1);
  const unitPrice = numberAt(data, 'price');
  const combo = objectAt(data, 'combo_send');
  const batchCombo = objectAt(data, 'batch_combo_send');
  const comboId = stringAt(combo, 'combo_id', stringAt(batchCombo, 'combo_id'));
  const batchComboId = stringAt(data, 'batch_combo_id', stringAt(batchCombo, 'batch_combo_id'));
  const blind = objectAt(data, 'blind_gift');
  const blindName = stringAt(blind, 'original_gift_name');
  return {
    ...base,
    type: 'gift',
    variant: 'legacy',
    viewer: webViewer({ uid, name: stringAt(data, 'uname'), faceUrl: stringAt(data, 'face'), guardLevel: numberAt(data, 'guard_level'), medal: medalFromInfo(objectAt(data, 'medal_info')) }),
    giftId,
    giftName,
    num,
    coinType: stringAt(data, 'coin_type') === 'gold' ? 'gold' : 'silver',
    unitPrice,
    totalCoin: numberAt(data, 'total_coin', unitPrice * num),
    action: stringAt(data, 'action', '投喂'),
    ...(comboId !== '' ? { comboId } : {}),
    ...(batchComboId !== '' ? { batchComboId } : {}),
    ...(blindName !== '' ? { blindGift: { originalName: blindName, originalPrice: numberAt(blind, 'original_gift_price') } } : {}),
    dedupeKey: giftKey(stringAt(data, 'tid'), uid, giftId, numberAt(data, 'timestamp'), stringAt(data, 'rnd')),
  };
}

function protobufGifts(data: JsonObject, base: Base): GiftEvent[] {
  const pb = hasValue(data, 'pb') ? stringAt(data, 'pb') : stringAt(objectAt(data, 'data'), 'pb');
  if (pb === '') throw new PacketError('bad-command', 'SEND_GIFT_V2 without a pb field', { cmd: base.cmd });
  const broadcast = ProtobufMessage.fromBase64(pb, base.cmd);
  const medalMessage = broadcast.message(8);
  const medalName = medalMessage?.string(6) ?? '';
  const medal: FanMedal | undefined =
    medalMessage && medalName !== ''
      ? {
          name: medalName,
          level: medalMessage.number(5),
          ...(medalMessage.number(4) ? { roomId: medalMessage.number(4) } : {}),
          ...(medalMessage.number(1) ? { anchorUid: medalMessage.number(1) } : {}),
        }
      : undefined;
  const uid = broadcast.idString(1);
  const viewer = webViewer({ uid, name: broadcast.string(2), faceUrl: broadcast.string(3), guardLevel: broadcast.number(5), medal });
  const blind = broadcast.message(9);
  const blindName = blind?.string(3) ?? '';
  const items = broadcast.messages(10);
  if (items.length === 0) throw new PacketError('bad-command', 'SEND_GIFT_V2 with an empty gift list', { cmd: base.cmd });
  return items.map((item): GiftEvent => {
    const giftId = item.number(1);
    const num = item.number(3) || 1;
    const unitPrice = item.number(5);
    return {
      ...base,
      type: 'gift',
      variant: 'protobuf',
      viewer,
      giftId,
      giftName: item.string(2),
      num,
      coinType: item.string(8) === 'gold' ? 'gold' : 'silver',
      unitPrice,
      totalCoin: item.has(7) ? item.number(7) : unitPrice * num,
      action: item.string(18) || '投喂',
      ...(blind && blindName !== '' ? { blindGift: { originalName: blindName, originalPrice: blind.number(6) } } : {}),
      dedupeKey: giftKey(item.string(9), uid, giftId, item.number(10), item.string(12)),
    };
  });
}

function superChat(data: JsonObject, base: Base): BilibiliEvent {
  const id = stringAt(data, 'id');
  if (id === '') throw new PacketError('bad-command', `${base.cmd} without an id`, { cmd: base.cmd });
  const userInfo = objectAt(data, 'user_info');
  const messageJpn = stringAt(data, 'message_jpn');
  return {
    ...base,
    type: 'superChat',
    id,
    viewer: webViewer({
      uid: stringAt(data, 'uid', '0'),
      name: stringAt(userInfo, 'uname'),
      faceUrl: stringAt(userInfo, 'face'),
      guardLevel: numberAt(userInfo, 'guard_level'),
      userLevel: numberAt(userInfo, 'user_level'),
      medal: medalFromInfo(objectAt(data, 'medal_info')),
    }),
    priceCny: numberAt(data, 'price'),
    message: stringAt(data, 'message'),
    ...(messageJpn !== '' ? { messageJpn } : {}),
    ...(hasValue(data, 'time') ? { durationSeconds: numberAt(data, 'time') } : {}),
    dedupeKey: `superChat:${id}`,
  };
}

function guard(data: JsonObject, base: Base, cmd: 'GUARD_BUY' | 'USER_TOAST_MSG' | 'USER_TOAST_MSG_V2'): GuardEvent {
  let uid: string, name: string, level: number, num: number, unit: string, startTime: number, price: number | undefined, isRepeat = false;
  if (cmd === 'USER_TOAST_MSG_V2') {
    const sender = objectAt(data, 'sender_uinfo');
    const guardInfo = objectAt(data, 'guard_info');
    const pay = objectAt(data, 'pay_info');
    uid = stringAt(sender, 'uid', '0');
    name = stringAt(objectAt(sender, 'base'), 'name');
    level = numberAt(guardInfo, 'guard_level');
    startTime = numberAt(guardInfo, 'start_time');
    num = numberAt(pay, 'num', 1);
    unit = stringAt(pay, 'unit', '月');
    price = hasValue(pay, 'price') ? numberAt(pay, 'price') : undefined;
    // A purchase is pushed with source 0 (what the official UI shows) and again with source 2.
    isRepeat = numberAt(objectAt(data, 'option'), 'source') !== 0;
  } else {
    uid = stringAt(data, 'uid', '0');
    name = stringAt(data, 'username');
    level = numberAt(data, 'guard_level');
    startTime = numberAt(data, 'start_time');
    num = numberAt(data, 'num', 1);
    unit = stringAt(data, 'unit', '月');
    price = hasValue(data, 'price') ? numberAt(data, 'price') : undefined;
  }
  const guardLevel = toGuardLevel(level);
  if (guardLevel === 0) throw new PacketError('bad-command', `${cmd} without a guard level 1–3`, { cmd });
  return {
    ...base,
    type: 'guard',
    variant: cmd,
    viewer: webViewer({ uid, name, guardLevel }),
    level: guardLevel,
    num,
    unit,
    ...(price === undefined ? {} : { priceGold: price }),
    isRepeat,
    // The several commands of one purchase agree on buyer, level and start time.
    dedupeKey: `guard:${uid}:${guardLevel}:${startTime}`,
  };
}

const INTERACT_ACTIONS: Readonly<Record<number, InteractEvent['action'] | 'like'>> = {
  1: 'enter',
  2: 'follow',
  3: 'share',
  4: 'special-follow',
  5: 'mutual-follow',
  6: 'like',
};

function interaction(base: Base, msgType: number, viewer: BilibiliViewer): BilibiliEvent[] {
  const action = INTERACT_ACTIONS[msgType];
  if (action === undefined) return [{ ...base, type: 'unknown' }];
  if (action === 'like') return [{ ...base, type: 'like', viewer, count: 1 }];
  return [{ ...base, type: 'interact', action, viewer }];
}

function interactWord(data: JsonObject, base: Base): BilibiliEvent[] {
  return interaction(base, numberAt(data, 'msg_type'), viewerFromData(data));
}

function interactWordV2(data: JsonObject, base: Base): BilibiliEvent[] {
  const pb = stringAt(data, 'pb');
  if (pb === '') throw new PacketError('bad-command', 'INTERACT_WORD_V2 without a pb field', { cmd: base.cmd });
  const message = ProtobufMessage.fromBase64(pb, base.cmd);
  const uinfo = message.message(22);
  const uinfoBase = uinfo?.message(2);
  const name = message.string(2) || uinfoBase?.string(1) || '';
  const uid = message.has(1) ? message.idString(1) : (uinfo?.idString(1) ?? '0');
  const viewer = webViewer({ uid, name, faceUrl: uinfoBase?.string(2) ?? '', guardLevel: message.number(16) });
  return interaction(base, message.number(5), viewer);
}

