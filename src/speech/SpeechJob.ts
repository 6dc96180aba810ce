import type { Sentence } from '../text/TextPart.ts';
import type { Platform } from '../voices/Voice.ts';

/**
 * Priority classes, highest first. The playback queue orders by class, then by arrival.
 * Later issues (Bilibili) split paid classes further; keep this list ordered by importance.
 */
export const PRIORITY_CLASSES = ['system', 'superChat', 'guard', 'paidGift', 'command', 'chat', 'freeGift', 'other'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** Who said it, for subtitles and name announcement. */
export interface Speaker {
  readonly platform: Platform;
  readonly userId: string;
  readonly displayName: string;
}

/** Where the audio goes: one playback queue per target (a Discord guild, the overlay, the console). */
export type PlaybackTargetId = string;

/** A unit of speech after chat policy: normalised sentences in one voice, bound for one target. */
export interface SpeechJob {
  readonly id: string;
  readonly target: PlaybackTargetId;
  readonly speaker: Speaker;
  readonly voiceId: string;
  /** The text as shown in subtitles (after policy, before normalisation). */
  readonly displayText: string;
  readonly sentences: readonly Sentence[];
  readonly priority: PriorityClass;
  /**
   * Order within the priority class: higher first, FIFO among equals (a super chat's amount in CNY).
   * Absent means 0, so classes that never set it stay FIFO.
   */
  readonly weight?: number;
  /** What a paid message cost, as shown in subtitles ("¥30"); absent for ordinary chat. */
  readonly paidAmount?: string;
  /** Milliseconds since the epoch when the source event arrived. */
  readonly createdAt: number;
  /** Milliseconds since the epoch after which the job is dropped instead of spoken. */
  readonly deadline: number;
}
