import type { PriorityClass } from '../speech/SpeechJob.ts';
import type { Sentence } from '../text/TextPart.ts';
import { TimeSlice } from '../util/TimeSlice.ts';
import { BlockedWords } from './BlockedWords.ts';
import type { ChatEvent } from './ChatEvent.ts';
import { renderTemplate } from './ChatTemplate.ts';
import type { DropReason, PolicyDecision } from './PolicyDecision.ts';
import { RepeatFilter } from './RepeatFilter.ts';
import { ViewerRateLimit } from './ViewerRateLimit.ts';

/** Turns raw chat text into sentences ready for an engine (the text front end does this). */
export interface TextProcessor {
  process(text: string): Sentence[];
  /** Whether `process` would return anything, without its costly part. */
  hasReadableText(text: string): boolean;
}

/** Picks the voice an event is spoken in: the explicitly named one, else the author's selection, else the default. */
export interface VoiceChooser {
  chooseVoice(event: ChatEvent): Promise<string>;
}

export interface ChatPolicyOptions {
  readonly ignoreBots: boolean;
  /** How long an utterance of each class may wait before it is no longer worth saying. */
  readonly maxAgeMs: Readonly<Partial<Record<PriorityClass, number>>> & { readonly default: number };
  readonly mutedUserIds?: ReadonlySet<string>;
  /** `paid-only` reads only super chats, guards and paid gifts at or above `paidGiftCny` (and commands). Default `all`. */
  readonly readMode?: 'all' | 'paid-only';
  /** Gifts worth less than this (CNY; free gifts are worth 0) are not read. Default 0: all gifts. */
  readonly minGiftCny?: number;
  /** Paid gifts worth at least this (CNY) rank above ordinary messages; cheaper ones rank with free gifts. Default 1. */
  readonly paidGiftCny?: number;
  /** Text containing one of these is not read; an author name containing one is replaced by `anonymousName`. */
  readonly blockedWords?: readonly string[];
  /** Ordinary messages repeating a text read within this many ms are dropped. 0 turns it off. Default 0. */
  readonly repeatWindowMs?: number;
  /** At most `max` ordinary messages per viewer per `windowMs`. Default: no limit. */
  readonly viewerRate?: { readonly max: number; readonly windowMs: number };
  /** Share (0–1) of ordinary messages read, chosen at random; paid events are exempt. Default 1. */
  readonly sampleRate?: number;
  /** Said instead of a blocked or hidden name. Default 一位观众. */
  readonly anonymousName?: string;
  /** For tests: the random source of sampling and the clock of the repeat window and rate limit. */
  readonly random?: () => number;
  readonly now?: () => number;
  /** Spreads the text front end work of a burst over loop turns. Default: 5 ms of work per turn. */
  readonly slice?: TimeSlice;
}

/** Default word for a viewer whose name must not be read. */
export const ANONYMOUS_NAME = '一位观众';

/**
 * The platform-independent read-aloud policy: filters, priority and deadline, normalised text.
 * Platform-specific rules (Discord settings, Bilibili templates) run in front of it and hand it a ChatEvent.
 */
export class ChatPolicy {
  readonly #text: TextProcessor;
  readonly #voices: VoiceChooser;
  readonly #options: ChatPolicyOptions;
  readonly #blocked: BlockedWords;
  readonly #repeats: RepeatFilter;
  readonly #rate: ViewerRateLimit | undefined;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #slice: TimeSlice;

  constructor(text: TextProcessor, voices: VoiceChooser, options: ChatPolicyOptions) {
    this.#text = text;
    this.#voices = voices;
    this.#options = options;
    this.#blocked = new BlockedWords(options.blockedWords ?? []);
    this.#repeats = new RepeatFilter(options.repeatWindowMs ?? 0);
    this.#rate = options.viewerRate === undefined ? undefined : new ViewerRateLimit(options.viewerRate.max, options.viewerRate.windowMs);
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#slice = options.slice ?? new TimeSlice();
  }

  /**
   * The priority class of an event: super chat > guard > paid gift at or above `paidGiftCny` > command >
   * message > cheaper or free gift > follow/like/entry/share.
   */
  classify(event: ChatEvent): PriorityClass {
    if (event.priority !== undefined) return event.priority;
    switch (event.eventType ?? 'message') {
      case 'system':
        return 'system';
      case 'superChat':
        return 'superChat';
      case 'guard':
        return 'guard';
      case 'gift':
        return event.paid === true && (event.amountCny ?? 0) >= (this.#options.paidGiftCny ?? 1) ? 'paidGift' : 'freeGift';
      case 'message':
        return event.kind === 'command' ? 'command' : 'chat';
      default:
        return 'other';
    }
  }

  /** Mode, threshold, blocked words, repeats, rate and sampling, in that order; undefined when the event may be read. */
  #filter(event: ChatEvent, priority: PriorityClass): { reason: DropReason; detail: string } | undefined {
    const paidClass = priority === 'system' || priority === 'superChat' || priority === 'guard' || priority === 'paidGift' || priority === 'command';
    if (this.#options.readMode === 'paid-only' && !paidClass) {
      return { reason: 'paid-only', detail: 'only paid events are read (paid-only mode)' };
    }
    const minGift = this.#options.minGiftCny ?? 0;
    if (event.eventType === 'gift' && minGift > 0 && (event.paid === true ? (event.amountCny ?? 0) : 0) < minGift) {
      return { reason: 'below-threshold', detail: `gifts under ¥${minGift} are not read` };
    }
    const blocked = this.#blocked.find(event.text);
    if (blocked !== undefined && priority !== 'system') {
      return { reason: 'blocked-word', detail: 'the text contains a blocked word' };
    }
    // Only ordinary messages are thinned: paid events, commands and thanks are each worth saying.
    if (priority !== 'chat' || event.kind === 'command') return undefined;
    const now = this.#now();
    if (this.#repeats.isRepeat(event.text, now)) return { reason: 'repeat', detail: 'the same text was read a moment ago' };
    if (this.#rate?.allow(`${event.platform}:${event.author.userId}`, now) === false) {
      return { reason: 'rate-limited', detail: `${event.author.displayName} sent more than ${this.#options.viewerRate?.max} messages in ${Math.round((this.#options.viewerRate?.windowMs ?? 0) / 1000)} s` };
    }
    const sample = this.#options.sampleRate ?? 1;
    if (sample < 1 && this.#random() >= sample) return { reason: 'sampled-out', detail: `only ${Math.round(sample * 100)}% of messages are read (sampling)` };
    return undefined;
  }

  /** The sentence to say: the event's template filled with the (cleaned) name and text, or the text itself. */
  #spokenText(event: ChatEvent): string {
    if (event.speech === undefined) return event.text;
    const name = this.#blocked.find(event.author.displayName) === undefined ? event.author.displayName : (this.#options.anonymousName ?? ANONYMOUS_NAME);
    return renderTemplate(event.speech.template, { ...event.speech.values, uname: name, msg: event.text }).trim();
  }

  /**
   * `admits`, when given, says whether the target's queue would take a job of this class and weight now; a message
   * it would refuse is dropped as 'queue-full' before the text front end and the voice lookup, which are the costly
   * part of a decision and would be wasted on most of a flood.
   */
  async decide(event: ChatEvent, admits?: (priority: PriorityClass, weight: number) => boolean): Promise<PolicyDecision> {
    if (this.#options.ignoreBots && event.author.isBot === true) {
      return { kind: 'drop', reason: 'bot', detail: `${event.author.displayName} is a bot` };
    }
    if (this.#options.mutedUserIds?.has(`${event.platform}:${event.author.userId}`) === true) {
      return { kind: 'drop', reason: 'muted', detail: `${event.author.displayName} is muted` };
    }
    const priority = this.classify(event);
    const filtered = this.#filter(event, priority);
    if (filtered !== undefined) return { kind: 'drop', ...filtered, priority };
    // The cheap filters above ran at once; what follows costs about a millisecond a message, so a bundle of fifty
    // takes its turns with timers and audio instead of stalling them (and the queue is asked after the wait).
    while (!this.#slice.hasBudget()) await this.#slice.nextTurn();
    const weight = priority === 'superChat' ? (event.amountCny ?? 0) : 0;
    if (admits !== undefined && !admits(priority, weight)) {
      return { kind: 'drop', reason: 'queue-full', detail: `Not read: the queue is full of messages more important than "${priority}".`, priority };
    }
    // A template that reads the message says nothing useful when the message itself is empty ("某某说").
    if (event.speech !== undefined && event.speech.template.includes('{msg}') && !this.#text.hasReadableText(event.text)) {
      return { kind: 'drop', reason: 'empty', detail: 'nothing readable was left after cleaning the text', priority };
    }
    const spoken = this.#spokenText(event);
    const sentences = this.#text.process(spoken);
    if (sentences.length === 0) {
      return { kind: 'drop', reason: 'empty', detail: 'nothing readable was left after cleaning the text', priority };
    }
    const voiceId = await this.#voices.chooseVoice(event);
    const maxAge = this.#options.maxAgeMs[priority] ?? this.#options.maxAgeMs.default;
    return {
      kind: 'speak',
      job: {
        id: event.id,
        target: event.target,
        speaker: { platform: event.platform, userId: event.author.userId, displayName: event.author.displayName },
        voiceId,
        displayText: spoken,
        sentences,
        priority,
        ...(priority === 'superChat' ? { weight } : {}),
        ...(event.paid === true && event.amountCny !== undefined && event.amountCny > 0 ? { paidAmount: formatCny(event.amountCny) } : {}),
        createdAt: event.receivedAt,
        deadline: event.receivedAt + maxAge,
      },
    };
  }
}

/** "¥30", "¥9.9": how a paid amount reads on the overlay. */
export function formatCny(amount: number): string {
  return `¥${Number.isInteger(amount) ? amount : amount.toFixed(2).replace(/0$/, '')}`;
}
