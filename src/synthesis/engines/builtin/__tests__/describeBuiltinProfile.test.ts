import { describe, expect, it } from 'vitest';
import { type BuiltinVoiceProfileV3, type BuiltinVoiceProfileV4, equaliserOf, parseBuiltinVoiceProfile, pitchStretchOf } from '../BuiltinVoiceProfile.ts';
import { describeBuiltinProfile } from '../describeBuiltinProfile.ts';
import { PROFILE_V2 } from './profileV2.ts';

describe('describeBuiltinProfile', () => {
  it('tells a streamer what was measured and how close the voice came', () => {
    const text = describeBuiltinProfile(PROFILE_V2).join('\n');
    expect(text).toContain('187 Hz, a high voice');
    expect(text).toMatch(/between 161 and 254 Hz \(8\.0 semitones, \w+\)/);
    expect(text).toContain('balanced');
    expect(text).toContain('5.9 syllables per second');
    expect(text).toContain('starts from its female voice');
    expect(text).toContain('vowel resonances raised 5 %');
    expect(text).toContain('slower (0.90× normal)');
    expect(text).toContain('+7 dB around 159 Hz');
    expect(text).toContain('−7 dB around 1.3 kHz');
    expect(text).toMatch(/pitch spot on \(0\.2 semitones off\)/);
    expect(text).toMatch(/3\.5 dB difference, the stock voice was 8\.4 dB: 58 % closer/);
    expect(text).not.toContain('Note:');
  });

  it('turns clip problems into advice and says when the fit fell short', () => {
    const troubled = {
      ...PROFILE_V2,
      measured: { ...PROFILE_V2.measured, medianHz: 95, problems: ['muffled', 'vocal-tract-uncertain'] as const },
      fit: { ...PROFILE_V2.fit, medianErrorSemitones: 2.4, spectrumDistanceDb: 5.2 },
    };
    const text = describeBuiltinProfile(troubled).join('\n');
    expect(text).toContain('a low voice');
    expect(text).toContain('noticeably off');
    expect(text).toContain('still some way from yours');
    expect(text).toMatch(/Note: The clip has almost no treble/);
    expect(text).toMatch(/Note: The vowel resonances could not be measured reliably/);
  });

  it('describes a version-1 profile briefly', () => {
    const lines = describeBuiltinProfile({ version: 1, baseVariant: 'default', pitchBase: 80, pitchTop: 120, formantScale: 1, speed: 1, measured: { medianHz: 100, p5Hz: 80, p95Hz: 130 } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('100 Hz, a low voice');
  });
});

describe('parseBuiltinVoiceProfile (version 2)', () => {
  it('round-trips through JSON at about half a kilobyte', () => {
    const json = JSON.stringify(PROFILE_V2);
    expect(json.length).toBeLessThan(1024);
    expect(parseBuiltinVoiceProfile(JSON.parse(json))).toEqual(PROFILE_V2);
  });

  it.each([
    ['a short EQ', { ...PROFILE_V2, eqDb: [1, 2, 3] }],
    ['an absurd EQ gain', { ...PROFILE_V2, eqDb: PROFILE_V2.eqDb.map(() => 40) }],
    ['missing measurements', { ...PROFILE_V2, measured: undefined }],
    ['a broken fit report', { ...PROFILE_V2, fit: { ...PROFILE_V2.fit, spectrumDistanceDb: 'close' } }],
    ['version 3 without its pitch stretch', { ...PROFILE_V2, version: 3 }],
    ['an unknown version', { ...PROFILE_V2, version: 4 }],
  ])('rejects %s', (_label, value) => {
    expect(parseBuiltinVoiceProfile(value)).toBeNull();
  });

  it('drops unknown problem codes from a newer writer instead of rejecting the profile', () => {
    const stored = { ...PROFILE_V2, measured: { ...PROFILE_V2.measured, problems: ['muffled', 'future-problem'] } };
    expect(parseBuiltinVoiceProfile(stored)?.version === 2 && parseBuiltinVoiceProfile(stored)).toMatchObject({ measured: { problems: ['muffled'] } });
  });
});

describe('version 3 (pitch stretch)', () => {
  const v3: BuiltinVoiceProfileV3 = { ...PROFILE_V2, version: 3, pitchStretch: { centreHz: 98.2, factor: 1.2 } };

  it('round-trips, and reads version 2 as it was (no stretch, same EQ)', () => {
    expect(parseBuiltinVoiceProfile(JSON.parse(JSON.stringify(v3)))).toEqual(v3);
    expect(JSON.stringify(v3).length).toBeLessThan(1024);
    expect(pitchStretchOf(v3)).toEqual({ centreHz: 98.2, factor: 1.2 });
    const v2 = parseBuiltinVoiceProfile(JSON.parse(JSON.stringify(PROFILE_V2)))!;
    expect(pitchStretchOf(v2)).toBeNull();
    expect(equaliserOf(v2)).toEqual(PROFILE_V2.eqDb);
    expect(parseBuiltinVoiceProfile({ ...v3, pitchStretch: null })).toMatchObject({ version: 3, pitchStretch: null });
  });

  it.each([
    ['an absurd factor', { ...v3, pitchStretch: { centreHz: 98, factor: 9 } }],
    ['a missing centre', { ...v3, pitchStretch: { factor: 1.2 } }],
  ])('rejects %s', (_label, value) => {
    expect(parseBuiltinVoiceProfile(value)).toBeNull();
  });

  it('says when the pitch movement was widened after synthesis', () => {
    expect(describeBuiltinProfile(v3).join('\n')).toContain('pitch movement widened 20 %');
    expect(describeBuiltinProfile({ ...v3, pitchStretch: null }).join('\n')).not.toContain('pitch movement');
  });
});

describe('version 4 (separate stretch below the centre)', () => {
  const v4: BuiltinVoiceProfileV4 = { ...PROFILE_V2, version: 4, pitchStretch: { centreHz: 188, factor: 1.3, factorBelow: 0.9 } };

  it('round-trips with both factors, and a version 3 stretch keeps one factor for both sides', () => {
    expect(parseBuiltinVoiceProfile(JSON.parse(JSON.stringify(v4)))).toEqual(v4);
    expect(pitchStretchOf(v4)).toEqual({ centreHz: 188, factor: 1.3, factorBelow: 0.9 });
    // A version 3 reader never wrote factorBelow: one there is dropped rather than half-applied.
    expect(pitchStretchOf(parseBuiltinVoiceProfile({ ...v4, version: 3 })!)).toEqual({ centreHz: 188, factor: 1.3 });
    expect(pitchStretchOf({ ...v4, pitchStretch: { centreHz: 188, factor: 1, factorBelow: 1 } })).toBeNull();
    expect(pitchStretchOf({ ...v4, pitchStretch: { centreHz: 188, factor: 1, factorBelow: 1.2 } })).not.toBeNull();
  });

  it('rejects an absurd lower factor', () => {
    expect(parseBuiltinVoiceProfile({ ...v4, pitchStretch: { centreHz: 188, factor: 1.3, factorBelow: 0.1 } })).toBeNull();
  });

  it('describes each half of the stretch', () => {
    const text = describeBuiltinProfile(v4).join('\n');
    expect(text).toContain('above the middle widened 30 %');
    expect(text).toContain('below it narrowed 10 %');
  });
});
