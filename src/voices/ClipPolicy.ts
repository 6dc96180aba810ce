import type { ClipProblem, ClipReport } from '../audio/ClipConditioner.ts';
import { ClipRejectedError } from './ClipRejectedError.ts';

/** What a reference clip must satisfy to be registered. */
export interface ClipPolicyLimits {
  /** Less detected speech than this and the engines cannot learn the voice. */
  readonly minSpeechSeconds: number;
  /** Longer clips are refused (before decoding finishes, via decodeAudio's maxSeconds). */
  readonly maxSeconds: number;
  /** Fraction of samples at full scale above which distortion would be cloned along with the voice. */
  readonly maxClippedFraction: number;
}

export const DEFAULT_CLIP_POLICY: ClipPolicyLimits = {
  minSpeechSeconds: 3,
  maxSeconds: 60,
  maxClippedFraction: 0.01,
};

/**
 * Judges a conditioned clip: throws ClipRejectedError for clips that cannot make a usable voice,
 * and returns the remaining problems as warnings to show the uploader (noise, low level, compression).
 */
export function judgeClip(report: ClipReport, limits: ClipPolicyLimits = DEFAULT_CLIP_POLICY): readonly ClipProblem[] {
  const has = (code: ClipProblem['code']): boolean => report.problems.some((problem) => problem.code === code);

  if (report.durationSeconds > limits.maxSeconds) {
    throw new ClipRejectedError(
      'too-long',
      `The clip is ${report.durationSeconds.toFixed(1)} s long; the limit is ${limits.maxSeconds} s. Send 5 to 20 seconds of clear speech.`,
    );
  }
  if (has('silent') || report.speechSeconds <= 0) {
    throw new ClipRejectedError('silent', 'No speech was found in the clip. Check the microphone and record again, speaking normally.');
  }
  if (report.speechSeconds < limits.minSpeechSeconds) {
    throw new ClipRejectedError(
      'too-short',
      `The clip has only ${report.speechSeconds.toFixed(1)} s of speech; at least ${limits.minSpeechSeconds} s are needed. Send 5 to 20 seconds of clear speech.`,
    );
  }
  if (report.clippedFraction > limits.maxClippedFraction) {
    throw new ClipRejectedError(
      'clipped',
      `${(report.clippedFraction * 100).toFixed(1)}% of the clip is distorted (clipped). Record again with the microphone level turned down or further from the mouth.`,
    );
  }
  // Anything the conditioner flagged that did not cause a rejection is worth telling the uploader.
  return report.problems.filter((problem) => problem.code !== 'silent');
}
