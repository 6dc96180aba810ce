import type { SpeechJob } from '../speech/SpeechJob.ts';

export type DropReason = 'empty' | 'bot' | 'muted' | 'no-voice';

/** What chat policy decided about one event: speak it as this job, or drop it for a stated reason. */
export type PolicyDecision =
  | { readonly kind: 'speak'; readonly job: SpeechJob }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly detail: string };
