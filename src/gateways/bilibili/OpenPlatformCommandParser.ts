import type { BilibiliEvent, BilibiliViewer, CommandContext, FanMedal } from './BilibiliEvent.ts';
import { commandOf } from './CommandParser.ts';
import { arrayAt, hasValue, numberAt, objectAt, stringAt, type JsonObject } from './jsonFields.ts';
import { PacketError } from './PacketError.ts';
import { toGuardLevel } from './viewers.ts';

/** Sent by the server when it killed the session (project heartbeat lapsed): the client must start a new one. */
export const INTERACTION_END = 'LIVE_OPEN_PLATFORM_INTERACTION_END';

const PREFIX = 'LIVE_OPEN_PLATFORM_';

type Base = { source: 'open-platform'; roomId: number; receivedAt: number; cmd: string };

/** An Open Platform viewer: identified by open_id (app-scoped); the Open Platform never masks names. */
function openViewer(data: JsonObject, extra: { isAdmin?: boolean } = {}): BilibiliViewer {
  const openId = stringAt(data, 'open_id');
  const medalName = stringAt(data, 'fans_medal_name');
  const medal: FanMedal | undefined =
    medalName !== '' && (numberAt(data, 'fans_medal_wearing_status', 1) !== 0) ? { name: medalName, level: numberAt(data, 'fans_medal_level') } : undefined;
  const face = stringAt(data, 'uface');
  return {
    id: openId === '' ? undefined : openId,
    name: stringAt(data, 'uname'),
    masked: false,
    ...(openId !== '' ? { openId } : {}),
    ...(face !== '' ? { faceUrl: face } : {}),
    guardLevel: toGuardLevel(numberAt(data, 'guard_level')),
    ...(medal ? { medal } : {}),
    ...extra,
  };
}

function requireOpenId(data: JsonObject, cmd: string): void {
  if (stringAt(data, 'open_id') === '') throw new PacketError('bad-command', `${cmd} without open_id`, { cmd });
}

/**
 * Maps an Open Platform command body (`LIVE_OPEN_PLATFORM_*`) to the same events as the web route. The viewer id
 * is the open_id; `msg_id` makes dedupe keys stable across reconnects. Throws `PacketError('bad-command')` for
 * malformed known commands.
 */
export function parseOpenPlatformCommand(body: unknown, context: Omit<CommandContext, 'source'>): BilibiliEvent[] {
  const cmd = commandOf(body);
  const data = objectAt(body, 'data');
  const roomId = numberAt(data, 'room_id', context.roomId) || context.roomId;
  const base: Base = { source: 'open-platform', roomId, receivedAt: context.receivedAt, cmd };
  const name = cmd.startsWith(PREFIX) ? cmd.slice(PREFIX.length) : '';
  const msgId = stringAt(data, 'msg_id');
  switch (name) {
    case 'DM':
    case 'DM_MIRROR': {
      requireOpenId(data, cmd);
      const id = msgId !== '' ? msgId : `${stringAt(data, 'open_id')}:${numberAt(data, 'timestamp')}:${stringAt(data, 'msg')}`;
      const isEmoticon = numberAt(data, 'dm_type') === 1;
      const replyName = stringAt(data, 'reply_uname');
      const replyId = stringAt(data, 'reply_open_id');
      const text = stringAt(data, 'msg');
      const timestamp = numberAt(data, 'timestamp');
      return [
        {
          ...base,
          type: 'danmaku',
          id,
          viewer: openViewer(data, { isAdmin: numberAt(data, 'is_admin') === 1 }),
          text,
          ...(isEmoticon ? { emoticon: { id: stringAt(data, 'emoji_img_url'), name: text, url: stringAt(data, 'emoji_img_url') } } : {}),
          inlineEmoticons: [...new Set(text.match(/\[[^\[\]]{1,12}\]/g) ?? [])],
          // The Open Platform has no lottery flag; the chat policy must catch auto texts by content.
          isAutomatic: false,
          isMirror: name === 'DM_MIRROR',
          isVoice: false,
          ...(replyName !== '' ? { replyTo: { name: replyName, ...(replyId !== '' ? { id: replyId } : {}) } } : {}),
          ...(timestamp ? { sentAt: timestamp * 1000 } : {}),
          dedupeKey: `danmaku:${id}`,
        },
      ];
    }
    case 'SEND_GIFT': {
      requireOpenId(data, cmd);
      const giftId = numberAt(data, 'gift_id');
      const num = numberAt(data, 'gift_num', 1);
      const unitPrice = numberAt(data, 'price');
      const combo = objectAt(data, 'combo_info');
      const comboId = stringAt(combo, 'combo_id');
      // blind_gift here only says a box was involved (id + status), not which box: no `blindGift` is reported.
      return [
        {
          ...base,
          type: 'gift',
          variant: 'open-platform',
          viewer: openViewer(data),
          giftId,
          giftName: stringAt(data, 'gift_name'),
          num,
          coinType: data['paid'] === true ? 'gold' : 'silver',
          unitPrice,
          // r_price is the real unit value (blind boxes: what the box cost per item).
          totalCoin: numberAt(data, 'r_price', unitPrice) * num,
          action: '投喂',
          ...(comboId !== '' ? { comboId } : {}),
          dedupeKey: msgId !== '' ? `gift:${msgId}` : `gift:${stringAt(data, 'open_id')}:${giftId}:${numberAt(data, 'timestamp')}`,
        },
      ];
    }
    case 'SUPER_CHAT': {
      requireOpenId(data, cmd);
      const id = stringAt(data, 'message_id');
      if (id === '') throw new PacketError('bad-command', `${cmd} without message_id`, { cmd });
      const start = numberAt(data, 'start_time');
      const end = numberAt(data, 'end_time');
      return [
        {
          ...base,
          type: 'superChat',
          id,
          viewer: openViewer(data),
          priceCny: numberAt(data, 'rmb'),
          message: stringAt(data, 'message'),
          ...(start && end > start ? { durationSeconds: end - start } : {}),
          dedupeKey: `superChat:${id}`,
        },
      ];
    }
    case 'SUPER_CHAT_DEL':
      return [{ ...base, type: 'superChatDelete', ids: arrayAt(data, 'message_ids').map((id) => stringAt([id], 0)).filter((id) => id !== '') }];
    case 'GUARD': {
      const user = objectAt(data, 'user_info');
      requireOpenId(user, cmd);
      const level = toGuardLevel(numberAt(data, 'guard_level'));
      if (level === 0) throw new PacketError('bad-command', `${cmd} without a guard level 1–3`, { cmd });
      const viewer = openViewer({ ...user, guard_level: level, fans_medal_name: data['fans_medal_name'], fans_medal_level: data['fans_medal_level'], fans_medal_wearing_status: data['fans_medal_wearing_status'] });
      return [
        {
          ...base,
          type: 'guard',
          variant: 'open-platform',
          viewer,
          level,
          num: numberAt(data, 'guard_num', 1),
          unit: stringAt(data, 'guard_unit', '月'),
          ...(hasValue(data, 'price') ? { priceGold: numberAt(data, 'price') } : {}),
          isRepeat: false,
          dedupeKey: msgId !== '' ? `guard:${msgId}` : `guard:${stringAt(user, 'open_id')}:${level}:${numberAt(data, 'timestamp')}`,
        },
      ];
    }
    case 'LIKE':
      requireOpenId(data, cmd);
      return [{ ...base, type: 'like', viewer: openViewer(data), count: numberAt(data, 'like_count', 1), text: stringAt(data, 'like_text') }];
    case 'LIVE_ROOM_ENTER':
      requireOpenId(data, cmd);
      return [{ ...base, type: 'interact', action: 'enter', viewer: openViewer(data) }];
    case 'LIVE_START':
      return [{ ...base, type: 'liveStart', title: stringAt(data, 'title') }];
    case 'LIVE_END':
      return [{ ...base, type: 'liveStop', reason: 'ended' }];
    default:
      return [{ ...base, type: 'unknown' }];
  }
}
