import { ProtobufWriter } from './ProtobufWriter.ts';

/**
 * Realistic command bodies, written from the documented layouts (docs/bilibili.md §1.6, §2.4), with the
 * surrounding fields the real server sends so parsers meet the clutter they will meet live.
 */

const NOW_S = 1_767_000_000;

export interface DanmuOptions {
  cmd?: string;
  uid?: number;
  uname?: string;
  text?: string;
  idStr?: string;
  /** ≠ 0 for lottery / storm auto danmaku. */
  msgType?: number;
  /** 0 text, 1 emoticon, 2 voice. */
  dmType?: number;
  emoticonUnique?: string;
  emots?: Record<string, object>;
  replyUname?: string;
  replyMid?: number;
  medal?: { level: number; name: string; roomId: number; anchorUid: number };
  guardLevel?: number;
  isAdmin?: boolean;
  sentAtMs?: number;
}

export function danmuMsg(options: DanmuOptions = {}): object {
  const uid = options.uid ?? 6088969;
  const uname = options.uname ?? '晴天小猪';
  const text = options.text ?? '主播晚上好';
  const dmType = options.dmType ?? 0;
  const sentAt = options.sentAtMs ?? NOW_S * 1000 + 123;
  const extra = {
    send_from_me: false,
    master_player_hidden: false,
    mode: 0,
    color: 16777215,
    dm_type: dmType,
    font_size: 25,
    player_mode: 1,
    show_player_type: 0,
    content: text,
    user_hash: '197700816',
    emoticon_unique: options.emoticonUnique ?? '',
    bulge_display: 0,
    recommend_score: 3,
    main_state_dm_color: '',
    objective_state_dm_color: '',
    direction: 0,
    pk_direction: 0,
    quartet_direction: 0,
    anniversary_crowd: 0,
    yeah_space_type: '',
    yeah_space_url: '',
    jump_to_url: '',
    space_type: '',
    space_url: '',
    animation: {},
    emots: options.emots ?? null,
    is_audited: false,
    id_str: options.idStr ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    icon: null,
    show_reply: true,
    reply_mid: options.replyMid ?? 0,
    reply_name: '',
    reply_uname: options.replyUname ?? '',
    reply_uname_color: '',
    reply_is_mystery: false,
    hit_combo: 0,
  };
  const emoticonOptions =
    dmType === 1
      ? { bulge_display: 1, emoticon_unique: options.emoticonUnique ?? 'upower_[UPOWER_1_赞]', height: 162, in_player_area: 1, is_dynamic: 0, url: 'https://i0.hdslb.com/bfs/live/zan.png', width: 162 }
      : '{}';
  const medal = options.medal ? [options.medal.level, options.medal.name, '某主播', options.medal.roomId, 6067854, '', 0, 6067854, 6067854, 6067854, 0, 1, options.medal.anchorUid] : [];
  return {
    cmd: options.cmd ?? 'DANMU_MSG',
    info: [
      [
        0, 1, 25, 16777215, sentAt, -1733415462, 0, '0bc8acd0', 0, options.msgType ?? 0, 0, '', dmType, emoticonOptions,
        dmType === 2 ? { voice_url: 'https://example.invalid/voice.m4a', file_format: 'm4a', text, file_duration: 3 } : '{}',
        {
          mode: 0,
          show_player_type: 0,
          extra: JSON.stringify(extra),
          user: { uid, base: { name: uname, face: 'https://i0.hdslb.com/bfs/face/member/noface.jpg', name_color: 0, is_mystery: false, origin_info: { name: uname, face: '' } }, medal: null, wealth: { level: 12, dm_icon_key: '' }, title: { old_title_css_id: '', title_css_id: '' }, guard: null },
        },
        { activity_identity: '', activity_source: 0, not_show: 0 },
        0,
      ],
      text,
      [uid, uname, options.isAdmin ? 1 : 0, 0, 0, 10000, 1, ''],
      medal,
      [12, 0, 6406234, '>50000', 0],
      ['', ''],
      0,
      options.guardLevel ?? 0,
      null,
      { ts: Math.floor(sentAt / 1000), ct: 'A1B2C3D4' },
      0,
      0,
      null,
      null,
      0,
      105,
      [12],
      null,
    ],
    dm_v2: '',
  };
}

export interface GiftOptions {
  uid?: number;
  uname?: string;
  giftId?: number;
  giftName?: string;
  num?: number;
  price?: number;
  coinType?: 'gold' | 'silver';
  tid?: string;
  rnd?: string;
  totalCoin?: number;
  comboId?: string;
  batchComboId?: string;
  blind?: { name: string; price: number };
}

export function sendGift(options: GiftOptions = {}): object {
  const num = options.num ?? 1;
  const price = options.price ?? 100;
  const batchComboId = options.batchComboId ?? 'batch:gift:combo_id:6088969:1521113:31036:1767000000.1234';
  const comboId = options.comboId ?? 'gift:combo_id:6088969:1521113:31036:1767000000.1233';
  return {
    cmd: 'SEND_GIFT',
    data: {
      action: '投喂',
      batch_combo_id: batchComboId,
      batch_combo_send: { action: '投喂', batch_combo_id: batchComboId, batch_combo_num: num, gift_id: options.giftId ?? 31036, gift_name: options.giftName ?? '小花花', gift_num: num, uid: options.uid ?? 6088969, uname: options.uname ?? '晴天小猪' },
      beatId: '',
      biz_source: 'Live',
      blind_gift: options.blind ? { blind_gift_config_id: 51, from: 0, gift_action: '爆出', gift_tip_price: options.blind.price, original_gift_id: 32251, original_gift_name: options.blind.name, original_gift_price: options.blind.price } : null,
      broadcast_id: 0,
      coin_type: options.coinType ?? 'gold',
      combo_resources_id: 1,
      combo_send: { action: '投喂', combo_id: comboId, combo_num: num, gift_id: options.giftId ?? 31036, gift_name: options.giftName ?? '小花花', gift_num: num, send_master: null, uid: options.uid ?? 6088969, uname: options.uname ?? '晴天小猪' },
      combo_stay_time: 5,
      combo_total_coin: price * num,
      crit_prob: 0,
      demarcation: 1,
      discount_price: price,
      dmscore: 112,
      draw: 0,
      effect: 0,
      effect_block: 1,
      face: 'https://i0.hdslb.com/bfs/face/member/noface.jpg',
      giftId: options.giftId ?? 31036,
      giftName: options.giftName ?? '小花花',
      giftType: 0,
      gold: 0,
      guard_level: 0,
      is_first: true,
      medal_info: { anchor_roomid: 22608112, anchor_uname: '', guard_level: 0, icon_id: 0, is_lighted: 1, medal_color: 6067854, medal_level: 21, medal_name: '小猪', special: '', target_id: 1521113 },
      name_color: '',
      num,
      original_gift_name: '',
      price,
      rcost: 1826493,
      receive_user_info: { uid: 1521113, uname: '某主播' },
      remain: 0,
      rnd: options.rnd ?? '1767000000121500001',
      send_master: null,
      silver: 0,
      super: 0,
      super_gift_num: num,
      svga_block: 0,
      switch: true,
      tag_image: '',
      tid: options.tid ?? '1767000000121500002',
      timestamp: NOW_S,
      top_list: null,
      total_coin: options.totalCoin ?? price * num,
      uid: options.uid ?? 6088969,
      uname: options.uname ?? '晴天小猪',
    },
  };
}

export interface GiftV2Item {
  giftId: number;
  giftName: string;
  num: number;
  price: number;
  totalCoin?: number;
  coinType?: string;
  tid: string;
  rnd?: string;
}

/** SEND_GIFT_V2 with the SendGiftBroadcast protobuf (field numbers from blivedm models/pb.py). */
export function sendGiftV2(options: { uid?: number | bigint; uname?: string; guardLevel?: number; items: GiftV2Item[]; blind?: { name: string; price: number }; nested?: boolean }): object {
  const broadcast = new ProtobufWriter()
    .uint(1, options.uid ?? 6088969)
    .string(2, options.uname ?? '晴天小猪')
    .string(3, 'https://i0.hdslb.com/bfs/face/member/noface.jpg')
    .uint(5, options.guardLevel ?? 0)
    .message(8, new ProtobufWriter().uint(1, 1521113).uint(4, 22608112).uint(5, 21).string(6, '小猪'));
  if (options.blind) broadcast.message(9, new ProtobufWriter().string(3, options.blind.name).uint(6, options.blind.price));
  for (const item of options.items) {
    const gift = new ProtobufWriter()
      .uint(1, item.giftId)
      .string(2, item.giftName)
      .uint(3, item.num)
      .uint(4, 0)
      .uint(5, item.price)
      .fixed32(6, 7) // a field we do not read, in a wire type we must skip
      .uint(7, item.totalCoin ?? item.price * item.num)
      .string(8, item.coinType ?? 'gold')
      .string(9, item.tid)
      .uint(10, NOW_S)
      .string(12, item.rnd ?? '0')
      .string(18, '投喂')
      .message(35, new ProtobufWriter().string(1, 'https://s1.hdslb.com/bfs/live/gift.png'));
    broadcast.message(10, gift);
  }
  const pb = broadcast.base64();
  return { cmd: 'SEND_GIFT_V2', data: options.nested ? { data: { pb } } : { pb } };
}

export function superChat(options: { id?: number | string; uid?: number; uname?: string; price?: number; message?: string; jpn?: boolean } = {}): object {
  return {
    cmd: options.jpn ? 'SUPER_CHAT_MESSAGE_JPN' : 'SUPER_CHAT_MESSAGE',
    data: {
      background_bottom_color: '#2A60B2',
      background_color: '#EDF5FF',
      background_image: 'https://i0.hdslb.com/bfs/live/a712efa5c6ebc67bafbe8352d3e74b820a00c13e.png',
      background_price_color: '#7497CD',
      color_point: 0.7,
      dmscore: 120,
      end_time: NOW_S + 60,
      gift: { gift_id: 12000, gift_name: '醒目留言', num: 1 },
      id: options.id ?? 10843571,
      is_ranked: 1,
      is_send_audit: 1,
      medal_info: { anchor_roomid: 22608112, anchor_uname: '某主播', guard_level: 3, icon_id: 0, is_lighted: 1, medal_color: '#6154c', medal_level: 23, medal_name: '小猪', special: '', target_id: 1521113 },
      message: options.message ?? '主播唱首歌吧！',
      ...(options.jpn ? { message_jpn: '配信者さん、歌を歌ってください！' } : {}),
      message_font_color: '#A3F6FF',
      message_trans: '',
      price: options.price ?? 30,
      rate: 1000,
      start_time: NOW_S,
      time: 60,
      token: 'A1B2C3D4',
      trans_mark: 0,
      ts: NOW_S,
      uid: options.uid ?? 35213484,
      user_info: { face: 'https://i0.hdslb.com/bfs/face/x.jpg', face_frame: '', guard_level: 3, is_main_vip: 1, is_svip: 0, is_vip: 0, level_color: '#61c05a', manager: 0, name_color: '#00D1F1', title: '0', uname: options.uname ?? '醒目的人', user_level: 21 },
    },
    roomid: 22608112,
  };
}

export function superChatDelete(ids: (number | string)[]): object {
  return { cmd: 'SUPER_CHAT_MESSAGE_DELETE', data: { ids }, roomid: 22608112 };
}

export interface GuardOptions {
  uid?: number;
  uname?: string;
  level?: 1 | 2 | 3;
  num?: number;
  startTime?: number;
  source?: number;
}

export function guardBuy(options: GuardOptions = {}): object {
  const level = options.level ?? 3;
  return {
    cmd: 'GUARD_BUY',
    data: { uid: options.uid ?? 4200001, username: options.uname ?? '舰长大人', guard_level: level, num: options.num ?? 1, price: 198000, gift_id: 10003, gift_name: '舰长', start_time: options.startTime ?? NOW_S, end_time: options.startTime ?? NOW_S },
  };
}

export function userToastMsg(options: GuardOptions = {}): object {
  return {
    cmd: 'USER_TOAST_MSG',
    data: {
      anchor_show: true,
      color: '#00D1F1',
      dmscore: 96,
      effect_id: 397,
      end_time: options.startTime ?? NOW_S,
      face_effect_id: 44,
      gift_id: 10003,
      guard_level: options.level ?? 3,
      is_show: 0,
      num: options.num ?? 1,
      op_type: 1,
      payflow_id: '2601011234567890123',
      price: 138000,
      role_name: '舰长',
      room_effect_id: 590,
      start_time: options.startTime ?? NOW_S,
      svga_block: 0,
      target_guard_count: 1234,
      toast_msg: `<%${options.uname ?? '舰长大人'}%> 开通了舰长`,
      uid: options.uid ?? 4200001,
      unit: '月',
      user_show: true,
      username: options.uname ?? '舰长大人',
    },
  };
}

export function userToastMsgV2(options: GuardOptions = {}): object {
  return {
    cmd: 'USER_TOAST_MSG_V2',
    data: {
      sender_uinfo: { uid: options.uid ?? 4200001, base: { name: options.uname ?? '舰长大人', face: 'https://i0.hdslb.com/bfs/face/x.jpg', is_mystery: false } },
      receiver_uinfo: { uid: 1521113, base: { name: '某主播' } },
      guard_info: { guard_level: options.level ?? 3, role_name: '舰长', room_guard_count: 1234, op_type: 1, start_time: options.startTime ?? NOW_S, end_time: options.startTime ?? NOW_S },
      group_guard_info: null,
      pay_info: { payflow_id: '2601011234567890123', price: 138000, num: options.num ?? 1, unit: '月' },
      gift_info: { gift_id: 10003 },
      effect_info: { effect_id: 397, room_effect_id: 590, face_effect_id: 44, room_gift_effect_id: 0 },
      toast_msg: `<%${options.uname ?? '舰长大人'}%> 开通了舰长`,
      option: { anchor_show: true, user_show: true, is_group: 0, is_show: 0, source: options.source ?? 0, svga_block: 0, color: '#00D1F1' },
    },
  };
}

export function interactWord(options: { uid?: number; uname?: string; msgType?: number } = {}): object {
  return {
    cmd: 'INTERACT_WORD',
    data: {
      contribution: { grade: 0 },
      dmscore: 12,
      fans_medal: { anchor_roomid: 0, guard_level: 0, icon_id: 0, is_lighted: 0, medal_color: 0, medal_level: 0, medal_name: '', score: 0, special: '', target_id: 0 },
      identities: [1],
      is_spread: 0,
      msg_type: options.msgType ?? 1,
      roomid: 22608112,
      score: 1767000000123,
      spread_desc: '',
      spread_info: '',
      tail_icon: 0,
      timestamp: NOW_S,
      trigger_time: NOW_S * 1e9,
      uid: options.uid ?? 7100001,
      uname: options.uname ?? '路过的观众',
      uname_color: '',
    },
  };
}

/** INTERACT_WORD_V2: protobuf with 1 uid, 2 uname, 5 msg_type, 6 room_id, 7 timestamp, 16 guard_level, 22 uinfo. */
export function interactWordV2(options: { uid?: number | bigint; uname?: string; msgType?: number; guardLevel?: number } = {}): object {
  const uid = options.uid ?? 3546569288714792n;
  const uname = options.uname ?? '新来的观众';
  const pb = new ProtobufWriter()
    .uint(1, uid)
    .string(2, uname)
    .uint(5, options.msgType ?? 1)
    .uint(6, 22608112)
    .uint(7, NOW_S)
    .uint(16, options.guardLevel ?? 0)
    .message(22, new ProtobufWriter().uint(1, uid).message(2, new ProtobufWriter().string(1, uname).string(2, 'https://i0.hdslb.com/bfs/face/y.jpg')))
    .base64();
  return { cmd: 'INTERACT_WORD_V2', data: { dmscore: 12, pb } };
}

export function likeClick(options: { uid?: number; uname?: string } = {}): object {
  return {
    cmd: 'LIKE_INFO_V3_CLICK',
    data: { show_area: 0, msg_type: 6, like_icon: 'https://i0.hdslb.com/bfs/live/like.png', uid: options.uid ?? 7100002, like_text: '为主播点赞了', uname: options.uname ?? '点赞的人', uname_color: '', identities: [1], fans_medal: { medal_level: 3, medal_name: '小猪', target_id: 1521113, anchor_roomid: 22608112 }, contribution_info: { grade: 0 }, dmscore: 20 },
  };
}

export const recallDanmu = (targetId: string): object => ({ cmd: 'RECALL_DANMU_MSG', data: { recall_type: 0, target_id: targetId } });
export const liveStart = (): object => ({ cmd: 'LIVE', live_key: '601234567890123456', voice_background: '', sub_session_key: '601234567890123456sub_time:1767000000', live_platform: 'pc_link', live_model: 0, roomid: 22608112, live_time: NOW_S });
export const preparing = (): object => ({ cmd: 'PREPARING', roomid: '22608112' });
export const cutOff = (): object => ({ cmd: 'CUT_OFF', msg: '直播内容违规', roomid: 22608112 });
export const roomChange = (): object => ({ cmd: 'ROOM_CHANGE', data: { title: '今晚唱歌', area_id: 744, parent_area_id: 9, area_name: '虚拟Singer', parent_area_name: '虚拟主播', live_key: '0', sub_session_key: '' } });
export const silentOn = (): object => ({ cmd: 'ROOM_SILENT_ON', data: { type: 'level', level: 1, second: -1 } });
export const silentOff = (): object => ({ cmd: 'ROOM_SILENT_OFF', data: { type: '', level: 0, second: 0 } });
export const roomBlock = (): object => ({ cmd: 'ROOM_BLOCK_MSG', uid: 9900001, uname: '捣乱的人', data: { dmscore: 30, operator: 1, uid: 9900001, uname: '捣乱的人' } });
export const warning = (): object => ({ cmd: 'WARNING', msg: '请主播注意直播内容', roomid: 22608112 });
export const loginNotice = (): object => ({ cmd: 'LOG_IN_NOTICE', data: { notice_msg: '为保护用户隐私，未登录无法查看他人昵称', image_web: '', image_app: '' } });
export const onlineRankCount = (): object => ({ cmd: 'ONLINE_RANK_COUNT', data: { count: 1234, count_text: '1234', online_count: 1234, online_count_text: '1234' } });

// ---- Open Platform (LIVE_OPEN_PLATFORM_*) ----

const OPEN_ID = '39b8fedb-60a5-4e29-ac75-b16955f7e632';

export function openDanmaku(options: { openId?: string; uname?: string; msg?: string; msgId?: string; dmType?: number; replyUname?: string } = {}): object {
  return {
    cmd: 'LIVE_OPEN_PLATFORM_DM',
    data: {
      room_id: 22608112, open_id: options.openId ?? OPEN_ID, union_id: '', uname: options.uname ?? '开放平台观众', uface: 'https://i0.hdslb.com/bfs/face/z.jpg', timestamp: NOW_S,
      msg: options.msg ?? '你好呀[doge]', msg_id: options.msgId ?? 'a5f4e1c8-0a0b-4c1d-9e2f-3a4b5c6d7e8f', guard_level: 0, fans_medal_wearing_status: true, fans_medal_name: '小猪', fans_medal_level: 5,
      emoji_img_url: options.dmType === 1 ? 'https://i0.hdslb.com/bfs/live/emoji.png' : '', dm_type: options.dmType ?? 0, glory_level: 8, reply_open_id: '', reply_uname: options.replyUname ?? '', is_admin: 0,
    },
  };
}

export function openGift(options: { openId?: string; msgId?: string; paid?: boolean; num?: number } = {}): object {
  return {
    cmd: 'LIVE_OPEN_PLATFORM_SEND_GIFT',
    data: {
      room_id: 22608112, open_id: options.openId ?? OPEN_ID, union_id: '', uname: '开放平台观众', uface: '', gift_id: 31036, gift_name: '小花花', gift_num: options.num ?? 3,
      price: 100, r_price: 100, paid: options.paid ?? true, fans_medal_level: 5, fans_medal_name: '小猪', fans_medal_wearing_status: true, guard_level: 0, timestamp: NOW_S,
      anchor_info: { uid: 1521113, open_id: 'anchor-open-id', union_id: '', uname: '某主播', uface: '' }, msg_id: options.msgId ?? 'b6e5f2d9-1b2c-4d3e-8f90-a1b2c3d4e5f6', gift_icon: '',
      combo_gift: true, combo_info: { combo_base_num: 1, combo_count: 3, combo_id: 'combo-123', combo_timeout: 3 }, blind_gift: { blind_gift_id: 0, status: false },
    },
  };
}

export function openSuperChat(options: { messageId?: number; rmb?: number; message?: string } = {}): object {
  return {
    cmd: 'LIVE_OPEN_PLATFORM_SUPER_CHAT',
    data: { room_id: 22608112, open_id: OPEN_ID, union_id: '', uname: '开放平台观众', uface: '', message_id: options.messageId ?? 1234567, message: options.message ?? '加油！', rmb: options.rmb ?? 50, timestamp: NOW_S, start_time: NOW_S, end_time: NOW_S + 90, guard_level: 2, fans_medal_level: 5, fans_medal_name: '小猪', fans_medal_wearing_status: true, msg_id: 'c7f6a3e0-2c3d-4e5f-9a0b-b2c3d4e5f6a7' },
  };
}

export const openSuperChatDelete = (ids: number[]): object => ({ cmd: 'LIVE_OPEN_PLATFORM_SUPER_CHAT_DEL', data: { room_id: 22608112, message_ids: ids, msg_id: 'd8a7b4f1-3d4e-5f6a-0b1c-c3d4e5f6a7b8' } });

export function openGuard(options: { unit?: string; num?: number } = {}): object {
  return {
    cmd: 'LIVE_OPEN_PLATFORM_GUARD',
    data: { user_info: { open_id: OPEN_ID, union_id: '', uname: '开放平台观众', uface: '' }, guard_level: 2, guard_num: options.num ?? 1, guard_unit: options.unit ?? '月', price: 1998000, fans_medal_level: 5, fans_medal_name: '小猪', fans_medal_wearing_status: true, room_id: 22608112, msg_id: 'e9b8c5a2-4e5f-6a7b-1c2d-d4e5f6a7b8c9', timestamp: NOW_S },
  };
}

export const openLike = (): object => ({ cmd: 'LIVE_OPEN_PLATFORM_LIKE', data: { uname: '开放平台观众', open_id: OPEN_ID, union_id: '', uface: '', timestamp: NOW_S, room_id: 22608112, like_text: '为主播点赞了', like_count: 7, fans_medal_wearing_status: false, fans_medal_name: '', fans_medal_level: 0, msg_id: 'f0c9d6b3-5f6a-7b8c-2d3e-e5f6a7b8c9d0' } });
export const openEnter = (): object => ({ cmd: 'LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER', data: { room_id: 22608112, uface: '', uname: '开放平台观众', open_id: OPEN_ID, union_id: '', timestamp: NOW_S } });
export const openLiveStart = (): object => ({ cmd: 'LIVE_OPEN_PLATFORM_LIVE_START', data: { room_id: 22608112, open_id: 'anchor-open-id', union_id: '', timestamp: NOW_S, area_name: '虚拟Singer', title: '今晚唱歌' } });
export const openLiveEnd = (): object => ({ cmd: 'LIVE_OPEN_PLATFORM_LIVE_END', data: { room_id: 22608112, open_id: 'anchor-open-id', union_id: '', timestamp: NOW_S, area_name: '虚拟Singer', title: '今晚唱歌' } });
export const openInteractionEnd = (gameId: string): object => ({ cmd: 'LIVE_OPEN_PLATFORM_INTERACTION_END', data: { game_id: gameId, timestamp: NOW_S } });
