import type { PlaybackTargetId, PriorityClass, Speaker } from '../speech/SpeechJob.ts';

/** What a sink is told about the utterance it is about to receive (subtitles, logs, the control page). */
export interface UtteranceInfo {
  readonly jobId: string;
  readonly target: PlaybackTargetId;
  readonly speaker: Speaker;
  readonly displayText: string;
  readonly voiceId: string;
  readonly priority: PriorityClass;
  /** A paid message's amount as the platform shows it ("¥30", "SC 50元"), for the overlay's subtitle; absent for ordinary chat. */
  readonly paidAmount?: string;
}
