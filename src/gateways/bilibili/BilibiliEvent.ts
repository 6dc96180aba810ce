/**
 * What a Bilibili live room says, as typed events. Both routes (web WebSocket and Open Platform) produce this
 * union; the chat policy turns it into speech. Money is kept in Bilibili's own units and named after them.
 */

export type BilibiliSource = 'web' | 'open-platform';

/** 0 none, 1 总督 (governor), 2 提督 (admiral), 3 舰长 (captain). */
export type GuardLevel = 0 | 1 | 2 | 3;

export interface FanMedal {
  readonly name: string;
  readonly level: number;
  /** The room the medal belongs to, when known (compare with the room id for "own medal only"). */
  readonly roomId?: number;
  readonly anchorUid?: number;
}

export interface BilibiliViewer {
  /**
   * Stable per-viewer key for voice binding: the uid as a decimal string (web route) or the open_id
   * (Open Platform). `undefined` when Bilibili masked the viewer (anonymous web connection).
   */
  readonly id: string | undefined;
  readonly name: string;
  /** Bilibili hid the real name/uid (`提***`, uid 0): read a neutral phrase instead of the name. */
  readonly masked: boolean;
  readonly uid?: number;
  readonly openId?: string;
  readonly faceUrl?: string;
  readonly guardLevel: GuardLevel;
  readonly medal?: FanMedal;
  readonly isAdmin?: boolean;
  readonly userLevel?: number;
}

interface EventBase {
  readonly source: BilibiliSource;
  readonly roomId: number;
  /** The command name with any `:…` suffix removed. */
  readonly cmd: string;
  /** Milliseconds since the epoch when the packet was decoded. */
  readonly receivedAt: number;
}

export interface DanmakuEvent extends EventBase {
  readonly type: 'danmaku';
  /** Unique message id (`id_str` on the web, `msg_id` on the Open Platform); recalls refer to it. */
  readonly id: string;
  readonly viewer: BilibiliViewer;
  readonly text: string;
  /** Set when the whole danmaku is a sticker; `text` is then the sticker's name. */
  readonly emoticon?: { readonly id: string; readonly name: string; readonly url?: string };
  /** Inline emoticon tokens that appear in `text`, like `[doge]`. */
  readonly inlineEmoticons: readonly string[];
  /** Lottery / 节奏风暴 danmaku the server generates on a viewer's behalf: never read aloud. */
  readonly isAutomatic: boolean;
  /** A danmaku from another room shown here during co-streams/PK. */
  readonly isMirror: boolean;
  /** A voice danmaku: it already carries its own audio. */
  readonly isVoice: boolean;
  readonly replyTo?: { readonly name: string; readonly id?: string };
  /** When the viewer sent it (ms), if the server says. */
  readonly sentAt?: number;
  readonly dedupeKey: string;
}

export interface GiftEvent extends EventBase {
  readonly type: 'gift';
  /** `legacy` SEND_GIFT JSON, `protobuf` SEND_GIFT_V2; both may arrive for one gift (same `dedupeKey`). */
  readonly variant: 'legacy' | 'protobuf' | 'open-platform';
  readonly viewer: BilibiliViewer;
  readonly giftId: number;
  readonly giftName: string;
  readonly num: number;
  /** `gold` gifts are paid, `silver` ones free. */
  readonly coinType: 'gold' | 'silver';
  /** Unit price in the coin's 瓜子 (gold: 1000 = ¥1). */
  readonly unitPrice: number;
  /** What the viewer actually spent in the coin's 瓜子 (not always unitPrice × num: discounts, blind boxes). */
  readonly totalCoin: number;
  readonly action: string;
  readonly comboId?: string;
  readonly batchComboId?: string;
  /** The gift that came out of a blind box was bought as this box. */
  readonly blindGift?: { readonly originalName: string; readonly originalPrice: number };
  readonly dedupeKey: string;
}

export interface SuperChatEvent extends EventBase {
  readonly type: 'superChat';
  /** The super chat id; deletions refer to it. */
  readonly id: string;
  readonly viewer: BilibiliViewer;
  /** Price in yuan. */
  readonly priceCny: number;
  readonly message: string;
  readonly messageJpn?: string;
  /** How long Bilibili pins it, in seconds. */
  readonly durationSeconds?: number;
  readonly dedupeKey: string;
}

export interface SuperChatDeleteEvent extends EventBase {
  readonly type: 'superChatDelete';
  readonly ids: readonly string[];
}

export interface GuardEvent extends EventBase {
  readonly type: 'guard';
  /** One purchase arrives as several commands; they share `dedupeKey`. */
  readonly variant: 'GUARD_BUY' | 'USER_TOAST_MSG' | 'USER_TOAST_MSG_V2' | 'open-platform';
  readonly viewer: BilibiliViewer;
  readonly level: 1 | 2 | 3;
  readonly num: number;
  /** `月` normally; Open Platform may say e.g. `*3天`. */
  readonly unit: string;
  /** Price in gold 瓜子 (1000 = ¥1), when the command carries it. */
  readonly priceGold?: number;
  /** USER_TOAST_MSG_V2 is pushed twice (source 0, then 2); the repeat is flagged here. */
  readonly isRepeat: boolean;
  readonly dedupeKey: string;
}

export interface InteractEvent extends EventBase {
  readonly type: 'interact';
  readonly action: 'enter' | 'follow' | 'share' | 'special-follow' | 'mutual-follow';
  readonly viewer: BilibiliViewer;
}

export interface LikeEvent extends EventBase {
  readonly type: 'like';
  readonly viewer: BilibiliViewer;
  /** Likes covered by this event (the Open Platform aggregates per viewer per ~2 s). */
  readonly count: number;
  readonly text?: string;
}

export interface RecallEvent extends EventBase {
  readonly type: 'recall';
  /** The recalled danmaku's id (compare with `DanmakuEvent.id`). */
  readonly targetId: string;
}

export interface LiveStartEvent extends EventBase {
  readonly type: 'liveStart';
  readonly title?: string;
}

export interface LiveStopEvent extends EventBase {
  readonly type: 'liveStop';
  /** `cut-off`: a moderator cut the stream; stop reading at once. */
  readonly reason: 'ended' | 'cut-off';
  readonly message?: string;
}

export interface RoomChangeEvent extends EventBase {
  readonly type: 'roomChange';
  readonly change: 'info' | 'silent-on' | 'silent-off' | 'viewer-blocked' | 'warning' | 'login-notice';
  readonly title?: string;
  readonly areaName?: string;
  readonly message?: string;
  /** The viewer a `viewer-blocked` change is about. */
  readonly viewer?: BilibiliViewer;
}

export interface UnknownEvent extends EventBase {
  readonly type: 'unknown';
}

export type BilibiliEvent =
  | DanmakuEvent
  | GiftEvent
  | SuperChatEvent
  | SuperChatDeleteEvent
  | GuardEvent
  | InteractEvent
  | LikeEvent
  | RecallEvent
  | LiveStartEvent
  | LiveStopEvent
  | RoomChangeEvent
  | UnknownEvent;

export type BilibiliEventType = BilibiliEvent['type'];

/** Where a parsed event came from; the parser fills the rest. */
export interface CommandContext {
  readonly source: BilibiliSource;
  readonly roomId: number;
  readonly receivedAt: number;
}
