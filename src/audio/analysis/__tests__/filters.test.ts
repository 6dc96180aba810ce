import { describe, expect, it } from 'vitest';
import { BiquadCascade, cascadeResponseDb, peakingBiquad, qForBandwidth } from '../biquad.ts';
import { designGraphicEq } from '../graphicEq.ts';
import { longTermSpectrum } from '../longTermSpectrum.ts';
import { THIRD_OCTAVE_CENTRES_HZ } from '../thirdOctaveBands.ts';
import { whiteNoise } from './syntheticSignals.ts';

const RATE = 22050;

function sineGainDb(cascade: BiquadCascade, hz: number): number {
  const input = new Float32Array(RATE);
  for (let i = 0; i < input.length; i += 1) input[i] = Math.sin((2 * Math.PI * hz * i) / RATE);
  const output = cascade.process(input.slice());
  // Skip the first half: the filter's transient.
  let inPower = 0;
  let outPower = 0;
  for (let i = RATE / 2; i < RATE; i += 1) {
    inPower += input[i]! ** 2;
    outPower += output[i]! ** 2;
  }
  return 10 * Math.log10(outPower / inPower);
}

describe('peakingBiquad', () => {
  it('has the designed gain at its centre and ~0 dB far away, measured on sines', () => {
    const section = peakingBiquad(RATE, 1000, 6, qForBandwidth(1 / 3));
    expect(cascadeResponseDb([section], RATE, 1000)).toBeCloseTo(6, 6);
    expect(sineGainDb(new BiquadCascade([section]), 1000)).toBeCloseTo(6, 1);
    expect(Math.abs(sineGainDb(new BiquadCascade([section]), 4000))).toBeLessThan(0.3);
    expect(sineGainDb(new BiquadCascade([section]), 1200)).toBeCloseTo(cascadeResponseDb([section], RATE, 1200), 1);
  });

  it('filters a stream in chunks exactly as in one piece (state carried over)', () => {
    const sections = [peakingBiquad(RATE, 500, -8, 2), peakingBiquad(RATE, 3000, 5, 1.5)];
    const input = whiteNoise(5000);
    const whole = new BiquadCascade(sections).process(input.slice());
    const chunked = new BiquadCascade(sections);
    const pieces = [input.slice(0, 17), input.slice(17, 1000), input.slice(1000)].map((piece) => chunked.process(piece));
    const joined = new Float32Array(input.length);
    let offset = 0;
    for (const piece of pieces) {
      joined.set(piece, offset);
      offset += piece.length;
    }
    expect(joined).toEqual(whole);
  });
});

describe('designGraphicEq', () => {
  // A smooth target like a real LTAS correction: bass cut, presence boost, top cut.
  const target = THIRD_OCTAVE_CENTRES_HZ.map((hz) => 6 * Math.sin(Math.log2(hz / 100) * 1.1) - 2);

  it('meets the target averaged over every band within 0.3 dB', () => {
    const design = designGraphicEq(THIRD_OCTAVE_CENTRES_HZ, target, RATE);
    design.responseDb.forEach((db, b) => expect(Math.abs(db - target[b]!)).toBeLessThan(0.3));
  });

  it('measured on noise, shapes the long-term spectrum as designed within 0.6 dB per band (1 dB in the leaky 100 Hz band)', () => {
    const design = designGraphicEq(THIRD_OCTAVE_CENTRES_HZ, target, RATE);
    const noise = whiteNoise(RATE * 3);
    const before = longTermSpectrum(noise, RATE);
    const after = longTermSpectrum(new BiquadCascade(design.sections).process(noise.slice()), RATE);
    THIRD_OCTAVE_CENTRES_HZ.forEach((_hz, b) => expect(Math.abs(after.bandDb[b]! - before.bandDb[b]! - target[b]!)).toBeLessThan(b === 0 ? 1 : 0.6));
  });

  it('is flat (no sections) for a zero target and skips bands near Nyquist', () => {
    expect(designGraphicEq(THIRD_OCTAVE_CENTRES_HZ, THIRD_OCTAVE_CENTRES_HZ.map(() => 0), RATE).sections).toHaveLength(0);
    const low = designGraphicEq(THIRD_OCTAVE_CENTRES_HZ, target, 8000);
    expect(low.sections.length).toBeLessThan(19);
  });
});
