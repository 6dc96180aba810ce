import type { Platform } from '../voices/Voice.ts';
import type { PlaybackTargetId, PriorityClass } from '../speech/SpeechJob.ts';

/**
 * What a gateway hands to chat policy: one thing someone said, in platform-neutral form.
 * Gateways fill it; nothing downstream knows which gateway it came from except through `platform`.
 */
export interface ChatEvent {
  /** Unique per event (platform message id or a generated one); becomes the speech job id. */
  readonly id: string;
  readonly platform: Platform;
  /** Where the speech should be played. */
  readonly target: PlaybackTargetId;
  /** The community the author speaks in (Discord guild, Bilibili room); scopes shared voices. */
  readonly scopeId?: string;
  readonly author: { readonly userId: string; readonly displayName: string; readonly isBot?: boolean };
  readonly text: string;
  /** `command` for an explicit /say, `chat` for ordinary messages read aloud. */
  readonly kind: 'chat' | 'command';
  /** A voice the author asked for explicitly (by name), overriding their selected voice. */
  readonly voiceName?: string;
  /** Milliseconds since the epoch. */
  readonly receivedAt: number;
  /** What happened, for priority and the paid-only / threshold modes. Absent means an ordinary message. */
  readonly eventType?: ChatEventType;
  /** Money the viewer spent on this event, in CNY (super chat price, gift total, guard price). */
  readonly amountCny?: number;
  /** True when `amountCny` was paid (not a free gift's nominal value). */
  readonly paid?: boolean;
  /** Forces a priority class (e.g. `system` for backlog warnings); otherwise chat policy derives it. */
  readonly priority?: PriorityClass;
  /**
   * How to say it: a template whose `{uname}` and `{msg}` policy fills with the (cleaned) author name and
   * `text`, and whose other placeholders come from `values`. Without it, `text` is said as it is.
   */
  readonly speech?: { readonly template: string; readonly values: Readonly<Record<string, string>> };
}

/** Event types chat policy distinguishes; platform gateways map theirs onto these. */
export const CHAT_EVENT_TYPES = ['message', 'superChat', 'guard', 'gift', 'follow', 'like', 'entry', 'share', 'system'] as const;
export type ChatEventType = (typeof CHAT_EVENT_TYPES)[number];
