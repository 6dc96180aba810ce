import { describe, expect, it } from 'vitest';
import { StreamingVoiceShaper } from '../StreamingVoiceShaper.ts';
import { PROFILE_V2 } from './profileV2.ts';

const RATE = 22050;

/** 0.6 s of a 120 Hz pulse train through a 700 Hz resonance, as 16-bit PCM. */
function voicedPcm(): Int16Array {
  const out = new Int16Array(Math.round(0.6 * RATE));
  const period = RATE / 120;
  for (let i = 0; i < out.length; i += 1) {
    const t = (i % period) / RATE;
    out[i] = Math.round(8000 * Math.exp(-t / 0.003) * Math.sin(2 * Math.PI * 700 * t));
  }
  return out;
}

describe('StreamingVoiceShaper', () => {
  it('passes chunks through untouched for the stock voice and for profiles without stretch or EQ', () => {
    const chunk = voicedPcm();
    expect(StreamingVoiceShaper.forProfile(null, RATE).process(chunk)).toBe(chunk);
    expect(StreamingVoiceShaper.forProfile({ ...PROFILE_V2, eqDb: PROFILE_V2.eqDb.map(() => 0) }, RATE).process(chunk)).toBe(chunk);
  });

  it('with a stretch, returns every sample of a sentence once it ends, however it was chunked', () => {
    const profile = { ...PROFILE_V2, version: 3 as const, pitchStretch: { centreHz: 100, factor: 1.3 } };
    const input = voicedPcm();
    const shaper = StreamingVoiceShaper.forProfile(profile, RATE);
    let streamed = 0;
    for (let start = 0; start < input.length; start += 1000) streamed += shaper.process(input.subarray(start, start + 1000)).length;
    expect(streamed).toBeLessThan(input.length);
    const total = streamed + shaper.endSentence().length;
    expect(total).toBe(input.length);
    // The next sentence starts afresh and is complete too.
    expect(shaper.process(input).length + shaper.endSentence().length).toBe(input.length);
  });
});
