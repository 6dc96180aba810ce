import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIP_THRESHOLDS, type ClipReport } from '../../audio/ClipConditioner.ts';
import { DEFAULT_CLIP_POLICY, judgeClip } from '../ClipPolicy.ts';
import { ClipRejectedError } from '../ClipRejectedError.ts';

/** A report as the conditioner would write it for a clean 8 s clip, with the fields under test overridden. */
function report(overrides: Partial<ClipReport>): ClipReport {
  return {
    durationSeconds: 8,
    sourceSampleRate: 48000,
    peakDbfs: -3,
    clippedFraction: 0,
    rmsDbfs: -22,
    loudnessLufs: -21,
    speechRmsDbfs: -20,
    noiseFloorDbfs: -70,
    snrDb: 50,
    speechSeconds: 6,
    crestFactorDb: 15,
    dcOffset: 0,
    problems: [],
    thresholds: DEFAULT_CLIP_THRESHOLDS,
    output: { sampleRate: 24000, durationSeconds: 6.3, trimmedStartSeconds: 1, trimmedEndSeconds: 0.7, gainDb: 2, rmsDbfs: -20, peakDbfs: -1 },
    ...overrides,
  };
}

function reasonOf(clip: ClipReport): string {
  try {
    judgeClip(clip);
    return 'accepted';
  } catch (error) {
    return error instanceof ClipRejectedError ? error.reason : `unexpected ${String(error)}`;
  }
}

describe('judgeClip', () => {
  it('accepts a clean clip with no warnings', () => {
    expect(judgeClip(report({}))).toEqual([]);
  });

  it('rejects at the documented limits and not before them', () => {
    expect(reasonOf(report({ speechSeconds: DEFAULT_CLIP_POLICY.minSpeechSeconds - 0.01 }))).toBe('too-short');
    expect(reasonOf(report({ speechSeconds: DEFAULT_CLIP_POLICY.minSpeechSeconds }))).toBe('accepted');
    expect(reasonOf(report({ durationSeconds: 60.5, speechSeconds: 50 }))).toBe('too-long');
    expect(reasonOf(report({ durationSeconds: 60, speechSeconds: 50 }))).toBe('accepted');
    expect(reasonOf(report({ clippedFraction: 0.05 }))).toBe('clipped');
    expect(reasonOf(report({ clippedFraction: 0.005 }))).toBe('accepted');
  });

  it('calls a clip without speech silent rather than short', () => {
    expect(reasonOf(report({ speechSeconds: 0 }))).toBe('silent');
    expect(reasonOf(report({ speechSeconds: 1, problems: [{ code: 'silent', message: 'x' }] }))).toBe('silent');
  });

  it('passes the problems that do not block registration back as warnings', () => {
    const problems = [
      { code: 'noisy', message: 'background noise' },
      { code: 'clipped', message: 'a little clipping' },
      { code: 'quiet', message: 'low level' },
    ] as const;
    expect(judgeClip(report({ clippedFraction: 0.001, problems: [...problems] }))).toEqual(problems);
  });
});
