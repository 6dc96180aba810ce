import type { PriorityClass, SpeechJob } from '../speech/SpeechJob.ts';

export type DropReason =
  | 'empty'
  | 'bot'
  | 'muted'
  | 'no-voice'
  /** Paid-only mode: not a super chat, guard or paid gift at or above the paid-gift price. */
  | 'paid-only'
  /** A gift cheaper than the minimum gift price. */
  | 'below-threshold'
  /** The text contains a blocked word. */
  | 'blocked-word'
  /** The same text was read within the repeat window. */
  | 'repeat'
  /** The viewer sent more than the per-viewer limit. */
  | 'rate-limited'
  /** Random sampling of ordinary messages left it out. */
  | 'sampled-out'
  /** The target's queue is full of messages at least as important, so it would be refused anyway. */
  | 'queue-full';

/**
 * What chat policy decided about one event: speak it as this job, or drop it for a stated reason.
 * A drop carries the class the event would have had, so paid drops can be accounted for.
 */
export type PolicyDecision =
  | { readonly kind: 'speak'; readonly job: SpeechJob }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly detail: string; readonly priority?: PriorityClass };
