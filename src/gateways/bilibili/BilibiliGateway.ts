import type { ChatEvent, ChatEventType } from '../../chat/ChatEvent.ts';
import type { PlaybackTargetId } from '../../speech/SpeechJob.ts';
import { isAutomaticText } from './automaticDanmaku.ts';
import type { BilibiliEvent, BilibiliViewer, DanmakuEvent, GiftEvent, GuardEvent, InteractEvent, LikeEvent, SuperChatEvent } from './BilibiliEvent.ts';
import { DEFAULT_BILIBILI_TEMPLATES, type BilibiliTemplates } from './BilibiliTemplates.ts';
import { readEmoticons } from './emoticons.ts';
import { GiftMerger, type GiftMergerOptions, type MergedGift } from './GiftMerger.ts';
import { RecentKeys } from './RecentKeys.ts';

/** What the gateway needs from the pipeline: speak an event, withdraw a waiting one. */
export interface BilibiliHost {
  say(event: ChatEvent): Promise<unknown>;
  /** Removes a job that has not started yet; returns whether it was waiting. */
  retract(target: PlaybackTargetId, jobId: string): boolean;
}

/** Anything that emits parsed room events: DanmakuClient or OpenPlatformClient. */
export interface BilibiliEventSource {
  on(event: 'event', listener: (event: BilibiliEvent) => void): unknown;
  off(event: 'event', listener: (event: BilibiliEvent) => void): unknown;
}

/** Why the gateway itself did not pass an event on (before chat policy). */
export const GATEWAY_SKIP_REASONS = [
  'automatic',
  'mirror',
  'voice-danmaku',
  'template-off',
  'duplicate-gift',
  'duplicate-super-chat',
  'duplicate-guard',
  'not-spoken',
] as const;
export type GatewaySkipReason = (typeof GATEWAY_SKIP_REASONS)[number];

export interface BilibiliGatewayStats {
  /** Events received from the source, by type. */
  readonly received: Readonly<Record<string, number>>;
  /** Chat events handed to the pipeline. */
  readonly forwarded: number;
  readonly skipped: Readonly<Record<GatewaySkipReason, number>>;
  /** Gift messages folded into an earlier one of the same run. */
  readonly giftsMerged: number;
  /** Waiting jobs removed because the message was recalled or the super chat deleted. */
  readonly retracted: number;
}

export interface BilibiliGatewayOptions {
  readonly host: BilibiliHost;
  /** Where the room's speech plays, e.g. `bilibili:22608112`. */
  readonly target: PlaybackTargetId;
  readonly templates?: BilibiliTemplates;
  /** Inline emoticons like `[doge]`: read by name (default) or dropped. */
  readonly emoticons?: 'name' | 'drop';
  /** Said instead of a name Bilibili hid (`提***`). Default 一位观众. */
  readonly anonymousName?: string;
  readonly giftMerge?: GiftMergerOptions;
  /** Two guard messages of one viewer and level within this window are one purchase. Default 60 s. */
  readonly guardWindowMs?: number;
  /** Danmaku from other rooms during co-streams. Default false. */
  readonly readMirrored?: boolean;
}

const GUARD_NAMES = { 1: '总督', 2: '提督', 3: '舰长' } as const;

/** A price in CNY as said aloud: whole yuan without decimals, else up to two. */
function yuan(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

/**
 * Turns a Bilibili room's events into chat events for the pipeline: templates per event type, emoticons and
 * hidden names handled, lottery/mirror/voice danmaku skipped, repeated gifts merged, the several messages of
 * one gift, super chat or guard purchase de-duplicated, and recalled or deleted messages withdrawn from the
 * queue if not yet read. Priority, filters and voices are chat policy's business, not the gateway's.
 */
export class BilibiliGateway {
  readonly #options: BilibiliGatewayOptions;
  readonly #templates: BilibiliTemplates;
  readonly #gifts: GiftMerger;
  readonly #giftKeys = new RecentKeys(10 * 60_000);
  readonly #superChatKeys = new RecentKeys(60 * 60_000);
  readonly #guardKeys = new RecentKeys(10 * 60_000);
  readonly #guardPurchases: RecentKeys;
  readonly #sources = new Set<BilibiliEventSource>();
  readonly #received: Record<string, number> = {};
  readonly #skipped = Object.fromEntries(GATEWAY_SKIP_REASONS.map((reason) => [reason, 0])) as Record<GatewaySkipReason, number>;
  #forwarded = 0;
  #giftsMerged = 0;
  #retracted = 0;
  readonly #listener = (event: BilibiliEvent): void => this.handle(event);

  constructor(options: BilibiliGatewayOptions) {
    this.#options = options;
    this.#templates = options.templates ?? DEFAULT_BILIBILI_TEMPLATES;
    this.#gifts = new GiftMerger((gift) => this.#sayGift(gift), options.giftMerge);
    this.#guardPurchases = new RecentKeys(options.guardWindowMs ?? 60_000);
  }

  get target(): PlaybackTargetId {
    return this.#options.target;
  }

  get stats(): BilibiliGatewayStats {
    return { received: { ...this.#received }, forwarded: this.#forwarded, skipped: { ...this.#skipped }, giftsMerged: this.#giftsMerged, retracted: this.#retracted };
  }

  /** Reads events from a client until `close()`. */
  attach(source: BilibiliEventSource): void {
    this.#sources.add(source);
    source.on('event', this.#listener);
  }

  /** Stops listening and forgets gifts still being merged. */
  close(): void {
    for (const source of this.#sources) source.off('event', this.#listener);
    this.#sources.clear();
    this.#gifts.close();
  }

  handle(event: BilibiliEvent): void {
    this.#received[event.type] = (this.#received[event.type] ?? 0) + 1;
    switch (event.type) {
      case 'danmaku':
        return this.#danmaku(event);
      case 'gift':
        return this.#gift(event);
      case 'superChat':
        return this.#superChat(event);
      case 'superChatDelete':
        for (const id of event.ids) this.#retract(this.#superChatJobId(event.roomId, id));
        return;
      case 'recall':
        return this.#retract(this.#danmakuJobId(event.roomId, event.targetId));
      case 'guard':
        return this.#guard(event);
      case 'interact':
        return this.#interact(event);
      case 'like':
        return this.#like(event);
      case 'liveStop':
        // Thanks still owed are said before the queue winds down.
        this.#gifts.flushAll();
        return;
      default:
        return;
    }
  }

  #danmakuJobId(roomId: number, id: string): string {
    return `bilibili:${roomId}:dm:${id}`;
  }

  #superChatJobId(roomId: number, id: string): string {
    return `bilibili:${roomId}:sc:${id}`;
  }

  #retract(jobId: string): void {
    if (this.#options.host.retract(this.#options.target, jobId)) this.#retracted += 1;
  }

  #danmaku(event: DanmakuEvent): void {
    if (event.isAutomatic || isAutomaticText(event.text)) return this.#skip('automatic');
    if (event.isMirror && this.#options.readMirrored !== true) return this.#skip('mirror');
    if (event.isVoice) return this.#skip('voice-danmaku');
    const reply = event.replyTo === undefined ? undefined : event.replyTo.name;
    const template = reply === undefined ? this.#templates.danmaku : this.#templates.reply;
    // A whole-sticker danmaku's text is the sticker's name: read it as a name, like an inline emoticon.
    const text = readEmoticons(event.emoticon === undefined ? event.text : `[${event.emoticon.name}]`, this.#options.emoticons ?? 'name');
    this.#forward(event, this.#danmakuJobId(event.roomId, event.id), event.viewer, 'message', text, template, reply === undefined ? {} : { reply: this.#name(undefined, reply) });
  }

  #gift(event: GiftEvent): void {
    // SEND_GIFT and SEND_GIFT_V2 both arrive for one gift in grey-release rooms.
    if (this.#giftKeys.seen(event.dedupeKey, event.receivedAt)) return this.#skip('duplicate-gift');
    if (this.#templates.gift === '') return this.#skip('template-off');
    this.#gifts.add(event);
  }

  #sayGift(gift: MergedGift): void {
    this.#giftsMerged += gift.messages - 1;
    const { first } = gift;
    const paid = first.coinType === 'gold';
    const amountCny = paid ? gift.totalCoin / 1000 : 0;
    const values = { num: String(gift.num), gift: first.giftName, price: yuan(amountCny), action: first.action || '赠送' };
    this.#forward(first, `bilibili:${first.roomId}:gift:${first.dedupeKey}`, first.viewer, 'gift', '', this.#templates.gift, values, { amountCny, paid });
  }

  #superChat(event: SuperChatEvent): void {
    // SUPER_CHAT_MESSAGE and SUPER_CHAT_MESSAGE_JPN describe the same super chat.
    if (this.#superChatKeys.seen(event.dedupeKey, event.receivedAt)) return this.#skip('duplicate-super-chat');
    const text = readEmoticons(event.message, this.#options.emoticons ?? 'name');
    this.#forward(event, this.#superChatJobId(event.roomId, event.id), event.viewer, 'superChat', text, this.#templates.superChat, { price: yuan(event.priceCny) }, { amountCny: event.priceCny, paid: true });
  }

  #guard(event: GuardEvent): void {
    // One purchase arrives as GUARD_BUY, USER_TOAST_MSG and USER_TOAST_MSG_V2 (twice); ids differ between some of them.
    if (event.isRepeat || this.#guardKeys.seen(event.dedupeKey, event.receivedAt)) return this.#skip('duplicate-guard');
    const purchase = `${event.viewer.id ?? `name:${event.viewer.name}`}:${event.level}`;
    if (this.#guardPurchases.seen(purchase, event.receivedAt)) return this.#skip('duplicate-guard');
    const amountCny = (event.priceGold ?? 0) / 1000;
    const values = { num: String(event.num), unit: event.unit.replace(/^\*/, ''), guard: GUARD_NAMES[event.level], price: yuan(amountCny) };
    this.#forward(event, `bilibili:${event.roomId}:guard:${event.dedupeKey}`, event.viewer, 'guard', '', this.#templates.guard, values, { amountCny, paid: true });
  }

  #interact(event: InteractEvent): void {
    const [type, template] =
      event.action === 'enter'
        ? (['entry', this.#templates.entry] as const)
        : event.action === 'share'
          ? (['share', this.#templates.share] as const)
          : (['follow', this.#templates.follow] as const);
    this.#forward(event, `bilibili:${event.roomId}:${type}:${event.viewer.id ?? event.viewer.name}:${event.receivedAt}`, event.viewer, type, '', template, {});
  }

  #like(event: LikeEvent): void {
    this.#forward(event, `bilibili:${event.roomId}:like:${event.viewer.id ?? event.viewer.name}:${event.receivedAt}`, event.viewer, 'like', '', this.#templates.like, { num: String(event.count) });
  }

  #name(viewer: BilibiliViewer | undefined, name: string): string {
    return viewer?.masked === true || name.includes('***') ? (this.#options.anonymousName ?? '一位观众') : name;
  }

  #forward(
    source: BilibiliEvent,
    id: string,
    viewer: BilibiliViewer,
    eventType: ChatEventType,
    text: string,
    template: string,
    values: Readonly<Record<string, string>>,
    money: { amountCny: number; paid: boolean } | undefined = undefined,
  ): void {
    if (template === '') return this.#skip('template-off');
    this.#forwarded += 1;
    const event: ChatEvent = {
      id,
      platform: 'bilibili',
      target: this.#options.target,
      scopeId: String(source.roomId),
      // Hidden viewers have no id: key them by the masked name, which is the best Bilibili gives.
      author: { userId: viewer.id ?? `masked:${viewer.name}`, displayName: this.#name(viewer, viewer.name) },
      text,
      kind: 'chat',
      receivedAt: source.receivedAt,
      eventType,
      ...(money === undefined ? {} : { amountCny: money.amountCny, paid: money.paid }),
      speech: { template, values },
    };
    void this.#options.host.say(event);
  }

  #skip(reason: GatewaySkipReason): void {
    this.#skipped[reason] += 1;
  }
}
