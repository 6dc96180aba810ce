import { describe, expect, it } from 'vitest';
import { type BuiltinVoiceProfile, parseBuiltinVoiceProfile, variantNameFor } from '../BuiltinVoiceProfile.ts';
import { composeVariantFile } from '../composeVariantFile.ts';
import { segmentsFor } from '../BuiltinEngine.ts';

const profile: BuiltinVoiceProfile = { version: 1, baseVariant: 'f2', pitchBase: 180.4, pitchTop: 260, formantScale: 1.1, speed: 1.2 };

const STOCK_FEMALE = `language variant
name female2
gender female

pitch 142 220
roughness 3

formant 0 105  80 150
formant 1 110  80 160 // comment
speed 90
`;

describe('parseBuiltinVoiceProfile', () => {
  it('accepts a valid profile (with measurements) as stored in JSON', () => {
    const stored = JSON.parse(JSON.stringify({ ...profile, measured: { medianHz: 210, p5Hz: 170, p95Hz: 280 } })) as unknown;
    expect(parseBuiltinVoiceProfile(stored)).toEqual({ ...profile, measured: { medianHz: 210, p5Hz: 170, p95Hz: 280 } });
  });

  it.each([
    ['missing', undefined],
    ['another version', { ...profile, version: 2 }],
    ['top below base', { ...profile, pitchTop: 100 }],
    ['a path in the variant name', { ...profile, baseVariant: '../../etc/passwd' }],
    ['a non-numeric speed', { ...profile, speed: 'fast' }],
  ])('rejects %s', (_label, value) => {
    expect(parseBuiltinVoiceProfile(value)).toBeNull();
  });
});

describe('variantNameFor', () => {
  it('is stable for equal profiles and differs when the sound changes', () => {
    expect(variantNameFor({ ...profile })).toBe(variantNameFor(profile));
    expect(variantNameFor({ ...profile, pitchBase: 181 })).not.toBe(variantNameFor(profile));
    expect(variantNameFor(profile)).toMatch(/^chorus-[0-9a-f]{8}$/);
  });
});

describe('composeVariantFile', () => {
  it('copies the base variant, replacing name/pitch/speed and scaling formant frequencies', () => {
    const text = composeVariantFile('chorus-test', profile, STOCK_FEMALE);
    const lines = text.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['language variant', 'name chorus-test']);
    expect(lines).toContain('gender female');
    expect(lines).toContain('roughness 3');
    expect(lines).toContain('formant 0 116 80 150');
    expect(lines).toContain('formant 1 121 80 160');
    expect(lines).toContain('pitch 180 260');
    expect(lines).toContain('speed 120');
    expect(lines.filter((line) => line.startsWith('pitch') || line.startsWith('speed') || line.startsWith('name'))).toHaveLength(3);
  });

  it('adds scaled formants to the language voice when there is no base file, and nothing when unscaled', () => {
    const scaled = composeVariantFile('chorus-a', { ...profile, baseVariant: 'default', formantScale: 0.9 }, null);
    expect(scaled.match(/^formant \d 90 100 100$/gm)).toHaveLength(9);
    const plain = composeVariantFile('chorus-b', { ...profile, baseVariant: 'default', formantScale: 1, speed: 1 }, null);
    expect(plain).toBe('language variant\nname chorus-b\npitch 180 260\n');
  });
});

describe('segmentsFor', () => {
  it('feeds Mandarin as pinyin and English as text, skipping empty parts', () => {
    expect(
      segmentsFor([
        { parts: [{ language: 'zh', text: '你好', pinyin: 'ni3 hao3' }, { language: 'en', text: ' OK ' }] },
        { parts: [{ language: 'en', text: '  ' }] },
        { parts: [{ language: 'zh', text: '谢谢' }] },
      ]),
    ).toEqual([
      { sentenceIndex: 0, voice: 'cmn-latn-pinyin', text: 'ni3 hao3' },
      { sentenceIndex: 0, voice: 'en-us', text: 'OK' },
      { sentenceIndex: 2, voice: 'cmn-latn-pinyin', text: '谢谢' },
    ]);
  });
});
