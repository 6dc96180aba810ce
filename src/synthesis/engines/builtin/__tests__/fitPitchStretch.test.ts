import { describe, expect, it } from 'vitest';
import { pitchSummary, type PitchStatistics } from '../../../../audio/analysis/pitchStatistics.ts';
import { fitPitchStretch, PITCH_STRETCH_RANGE } from '../fitBuiltinVoiceProfile.ts';

const stats = (p5Hz: number, medianHz: number, p95Hz: number): PitchStatistics => pitchSummary(500, p5Hz, medianHz, p95Hz);

/** F0 `semitones` away from `hz`. */
const at = (hz: number, semitones: number): number => hz * 2 ** (semitones / 12);

describe('fitPitchStretch', () => {
  it('gives English one factor, the range ratio, and leaves a close render alone', () => {
    const stretch = fitPitchStretch(stats(at(100, -3), 100, at(100, 4)), stats(at(101, -2.5), 101, at(101, 2.5)), 'en')!;
    expect(stretch.centreHz).toBeCloseTo(101, 1);
    expect(stretch.factor).toBeCloseTo(1.4, 2);
    expect(stretch.factorBelow).toBeUndefined();
    expect(fitPitchStretch(stats(at(100, -3), 100, at(100, 3)), stats(at(101, -2.9), 101, at(101, 3.1)), 'en')).toBeNull();
  });

  it('makes up a Mandarin range shortfall above the median only', () => {
    const stretch = fitPitchStretch(stats(at(95, -4.5), 95, at(95, 4.5)), stats(at(95, -3), 95, at(95, 3)), 'zh')!;
    expect(stretch.factorBelow).toBe(1);
    expect(stretch.factor).toBe(PITCH_STRETCH_RANGE.zh[1]);
  });

  it('stretches the upper half of a Mandarin render toward a reference that reaches further up than down', () => {
    // Range short by 1.9 st (not enough on its own), upper half by 1.9 st: the upper half widens, within the skew limit.
    const skewed = fitPitchStretch(stats(at(188, -2.5), 188, at(188, 4.4)), stats(at(186, -2.5), 186, at(186, 2.5)), 'zh')!;
    expect(skewed.factorBelow).toBe(1);
    expect(skewed.factor).toBeCloseTo(1.25, 3);
    // The same shortfall above the median with a symmetric reference: the render is skewed, not the voice.
    expect(fitPitchStretch(stats(at(120, -4), 120, at(120, 4)), stats(at(120, -4.5), 120, at(120, 2.5)), 'zh')).toBeNull();
  });

  it('leaves a Mandarin render alone when neither the range nor its upper half misses by much', () => {
    expect(fitPitchStretch(stats(at(100, -3), 100, at(100, 3)), stats(at(100, -2.2), 100, at(100, 2.2)), 'zh')).toBeNull();
    expect(fitPitchStretch(stats(at(100, -2.5), 100, at(100, 4.5)), stats(at(100, -2.5), 100, at(100, 3.8)), 'zh')).toBeNull();
  });

  it('gives up on a render without pitch movement', () => {
    expect(fitPitchStretch(stats(90, 100, 120), stats(100, 100, 100), 'zh')).toBeNull();
    expect(fitPitchStretch(stats(90, 100, 120), null, 'en')).toBeNull();
  });
});
