import { describe, expect, it } from 'vitest';
import type { Language } from '../../../../text/TextPart.ts';
import type { BuiltinVoiceProfile } from '../BuiltinVoiceProfile.ts';
import { fitBuiltinVoiceProfile, MANDARIN_MAX_PITCH_SPREAD, measurePitch, type ProfileRenderer } from '../fitBuiltinVoiceProfile.ts';

const RATE = 22050;
const SECONDS = 3;

/**
 * A voiced "speech" signal with known answers: decaying 700 Hz resonances excited at an F0 that glides
 * linearly in Hz between `baseHz` and `topHz` (as espeak's pitch envelope does), under a syllable envelope
 * with `syllablesPerSecond` deep intensity peaks.
 */
function speechLike(rate: number, baseHz: number, topHz: number, syllablesPerSecond: number): Float32Array {
  const out = new Float32Array(Math.round(SECONDS * rate));
  let phase = 0;
  let sincePulse = 0;
  for (let i = 0; i < out.length; i += 1) {
    const t = i / rate;
    const f0 = baseHz + (topHz - baseHz) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 0.7 * t));
    phase += f0 / rate;
    if (phase >= 1) {
      phase -= 1;
      sincePulse = 0;
    }
    const tau = sincePulse / rate;
    sincePulse += 1;
    const envelope = 0.1 + 0.9 * Math.sin(Math.PI * syllablesPerSecond * t) ** 2;
    out[i] = 0.5 * envelope * Math.sin(2 * Math.PI * 700 * tau) * Math.exp(-tau / 0.003);
  }
  return out;
}

/** Stand-in for espeak: Mandarin at its default speed says fewer syllables per second than English. */
const DEFAULT_SYLLABLE_RATE: Readonly<Record<Language, number>> = { en: 5, zh: 3.5 };

const fakeEspeak: ProfileRenderer = {
  sampleRate: RATE,
  render(profile: BuiltinVoiceProfile | null, language: Language): Int16Array {
    const signal = speechLike(RATE, profile?.pitchBase ?? 80, profile?.pitchTop ?? 118, DEFAULT_SYLLABLE_RATE[language] * (profile?.speed ?? 1));
    return Int16Array.from(signal, (x) => Math.round(x * 32767));
  },
};

function reference(baseHz: number, topHz: number, syllablesPerSecond: number): { samples: Float32Array; sampleRate: number } {
  return { samples: speechLike(16000, baseHz, topHz, syllablesPerSecond), sampleRate: 16000 };
}

describe('fitBuiltinVoiceProfile pitch and tempo', () => {
  it('caps the Mandarin pitch spread so tones keep their shape, yet still matches the median', () => {
    // A lively voice: 100–260 Hz is ln 2.6 ≈ 0.96 wide, well beyond what Mandarin may take.
    const clip = reference(100, 260, 5);
    const zh = fitBuiltinVoiceProfile(clip, 'zh', fakeEspeak);
    expect(Math.log(zh.pitchTop / zh.pitchBase)).toBeLessThanOrEqual(MANDARIN_MAX_PITCH_SPREAD + 0.03);
    expect(zh.fit.medianErrorSemitones).toBeLessThan(0.5);
    const fittedMedian = measurePitch(new Float32Array(speechLike(RATE, zh.pitchBase, zh.pitchTop, 5)), RATE)!.medianHz;
    expect(Math.abs(12 * Math.log2(fittedMedian / measurePitch(clip.samples, clip.sampleRate)!.medianHz))).toBeLessThan(0.5);

    // English intonation is not tonal: the same reference gets its full range there.
    const en = fitBuiltinVoiceProfile(clip, "en", fakeEspeak);
    expect(Math.log(en.pitchTop / en.pitchBase)).toBeGreaterThan(MANDARIN_MAX_PITCH_SPREAD + 0.05);
    expect(en.fit.rangeErrorSemitones).toBeLessThan(1);
    expect(zh.fit.rangeErrorSemitones).toBeGreaterThan(1);
  });

  it("takes the tempo relative to espeak's English pace in every language, so Mandarin is not pinned to the clamp", () => {
    // Speaks 10 % faster than espeak's English default.
    const clip = reference(100, 140, 5.5);
    const en = fitBuiltinVoiceProfile(clip, 'en', fakeEspeak, { iterations: 2 });
    const zh = fitBuiltinVoiceProfile(clip, 'zh', fakeEspeak, { iterations: 2 });
    expect(en.speed).toBeGreaterThan(1.04);
    expect(en.speed).toBeLessThan(1.16);
    // Compared with espeak's slower Mandarin (3.5 syllables/s), the ratio would be 1.57 and clamp at 1.25.
    expect(zh.speed).toBe(en.speed);
  });

  it("compares a Mandarin clip with espeak's Mandarin pace when the transcript says it is Mandarin", () => {
    // 10 % faster than espeak's Mandarin default, but slower than its English.
    const clip = reference(100, 140, 3.85);
    const asMandarin = fitBuiltinVoiceProfile(clip, 'en', fakeEspeak, { iterations: 1, referenceLanguage: 'zh' });
    expect(asMandarin.speed).toBeGreaterThan(1.04);
    expect(asMandarin.speed).toBeLessThan(1.16);
    expect(fitBuiltinVoiceProfile(clip, 'en', fakeEspeak, { iterations: 1 }).speed).toBeLessThan(0.85);
  });
});
