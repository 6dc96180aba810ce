import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../../../util/ChorusError.ts';
import { EngineError } from '../../../EngineError.ts';
import { BuiltinEngine } from '../BuiltinEngine.ts';
import type { BuiltinVoiceProfile } from '../BuiltinVoiceProfile.ts';
import { measurePitch } from '../fitBuiltinVoiceProfile.ts';
import { NoVoicedSpeechError } from '../NoVoicedSpeechError.ts';
import { longTermSpectrum } from '../../../../audio/analysis/longTermSpectrum.ts';
import { THIRD_OCTAVE_CENTRES_HZ } from '../../../../audio/analysis/thirdOctaveBands.ts';
import { PROFILE_V2 } from './profileV2.ts';
import { collect, concatenate, english, rms, voiceWith } from './helpers.ts';

const LONG_TEXT = 'This sentence is part of a long text that keeps the speech engine busy for a while. '.repeat(25);

let engine: BuiltinEngine;
beforeAll(async () => {
  engine = await BuiltinEngine.create();
});
afterAll(async () => {
  await engine.close();
});

describe('BuiltinEngine synthesis', () => {
  it('speaks a Mandarin sentence from its pinyin at the engine rate', async () => {
    const chunks = await collect(
      engine.synthesize({ voice: voiceWith({}, 'zh'), sentences: [{ parts: [{ language: 'zh', text: '你好世界', pinyin: 'ni3 hao3 shi4 jie4' }] }] }),
    );
    expect(engine.sampleRate).toBe(22050);
    expect(chunks.every((chunk) => chunk.sampleRate === engine.sampleRate && chunk.sentenceIndex === 0)).toBe(true);
    const audio = concatenate(chunks);
    expect(rms(audio)).toBeGreaterThan(0.02);
    const seconds = audio.length / engine.sampleRate;
    expect(seconds).toBeGreaterThan(4 * 0.15);
    expect(seconds).toBeLessThan(4 * 0.5);
    // Voiced Mandarin, not silence with clicks: a pitch is measurable.
    expect(measurePitch(audio, engine.sampleRate)?.voicedFrames).toBeGreaterThan(20);
  });

  it('speaks an English sentence with a plausible duration', async () => {
    const audio = concatenate(await collect(engine.synthesize({ voice: voiceWith(), sentences: english('Hello world, this is a test.') })));
    expect(rms(audio)).toBeGreaterThan(0.02);
    const seconds = audio.length / engine.sampleRate;
    expect(seconds).toBeGreaterThan(7 * 0.15);
    expect(seconds).toBeLessThan(7 * 0.5);
  });

  it('streams sentences in order, with a pause between them', async () => {
    const chunks = await collect(engine.synthesize({ voice: voiceWith(), sentences: english('Good morning everyone.', 'Welcome to the stream.') }));
    const indices = chunks.map((chunk) => chunk.sentenceIndex);
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(1);
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    const lastOfFirst = chunks[indices.lastIndexOf(0)]!;
    expect(lastOfFirst.samples.length).toBe(Math.round(0.25 * engine.sampleRate));
    expect(lastOfFirst.samples.every((sample) => sample === 0)).toBe(true);
    expect(rms(concatenate(chunks.filter((chunk) => chunk.sentenceIndex === 1)))).toBeGreaterThan(0.02);
  });

  it('mixes languages inside one sentence', async () => {
    const mixed = await collect(
      engine.synthesize({
        voice: voiceWith({}, 'zh'),
        sentences: [{ parts: [{ language: 'zh', text: '我喜欢', pinyin: 'wo3 xi3 huan1' }, { language: 'en', text: 'pizza' }] }],
      }),
    );
    const chineseOnly = await collect(
      engine.synthesize({ voice: voiceWith({}, 'zh'), sentences: [{ parts: [{ language: 'zh', text: '我喜欢', pinyin: 'wo3 xi3 huan1' }] }] }),
    );
    expect(concatenate(mixed).length).toBeGreaterThan(concatenate(chineseOnly).length + 0.2 * engine.sampleRate);
  });

  it('does not block the main thread while synthesising', async () => {
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const audio = concatenate(await collect(engine.synthesize({ voice: voiceWith(), sentences: english(LONG_TEXT) })));
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(audio.length / engine.sampleRate).toBeGreaterThan(60);
    // espeak needs hundreds of milliseconds for this; on the main thread the timer would stall for all of it.
    expect(gaps.length).toBeGreaterThan(elapsed / 5 / 4);
    expect(Math.max(...gaps)).toBeLessThan(Math.max(100, elapsed / 3));
  });

  it('stops promptly when aborted and stays usable', async () => {
    const controller = new AbortController();
    let received = 0;
    let abortedAt = 0;
    const consume = (async () => {
      for await (const chunk of engine.synthesize({ voice: voiceWith(), sentences: english(LONG_TEXT), signal: controller.signal })) {
        received += chunk.samples.length;
        if (abortedAt === 0) {
          abortedAt = performance.now();
          controller.abort();
        }
      }
    })();
    await expect(consume).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(received / engine.sampleRate).toBeLessThan(10);

    const next = concatenate(await collect(engine.synthesize({ voice: voiceWith(), sentences: english('Still here.') })));
    expect(rms(next)).toBeGreaterThan(0.02);
    expect(next.length / engine.sampleRate).toBeLessThan(3);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(engine.synthesize({ voice: voiceWith(), sentences: english('Never.'), signal: controller.signal }))).rejects.toBeInstanceOf(
      CancelledError,
    );
  });
});

describe('BuiltinEngine voice profiles', () => {
  const high: BuiltinVoiceProfile = { version: 1, baseVariant: 'f2', pitchBase: 200, pitchTop: 300, formantScale: 1, speed: 1 };
  const low: BuiltinVoiceProfile = { version: 1, baseVariant: 'default', pitchBase: 60, pitchTop: 85, formantScale: 1, speed: 1 };
  const text = english('The weather is lovely today, and we are all going to the park.');

  async function medianF0(features: Record<string, unknown>): Promise<number> {
    const audio = concatenate(await collect(engine.synthesize({ voice: voiceWith(features), sentences: text })));
    return measurePitch(audio, engine.sampleRate)!.medianHz;
  }

  it('renders a high female profile measurably higher than a low male one', async () => {
    const highF0 = await medianF0({ builtin: high });
    const lowF0 = await medianF0({ builtin: low });
    const stockF0 = await medianF0({});
    expect(12 * Math.log2(highF0 / lowF0)).toBeGreaterThan(8);
    expect(highF0).toBeGreaterThan(stockF0 * 1.3);
    expect(lowF0).toBeLessThan(stockF0);
  });

  it('ignores features of an unknown version (stock voice)', async () => {
    const stockF0 = await medianF0({});
    const futureF0 = await medianF0({ builtin: { ...high, version: 99 } });
    expect(Math.abs(12 * Math.log2(futureF0 / stockF0))).toBeLessThan(1);
  });

  it('fits a profile to a reference whose rendered pitch matches it within 2 semitones', async () => {
    const target: BuiltinVoiceProfile = { version: 1, baseVariant: 'default', pitchBase: 150, pitchTop: 190, formantScale: 1, speed: 1 };
    const reference = concatenate(
      await collect(engine.synthesize({ voice: voiceWith({ builtin: target }), sentences: english('Thank you all for coming to my stream tonight, it means a lot.') })),
    );
    const referenceF0 = measurePitch(reference, engine.sampleRate)!.medianHz;

    const fitted = await engine.analyseVoice({ samples: reference, sampleRate: engine.sampleRate }, 'Thank you all for coming.', 'en');
    expect(fitted.version).toBe(4);
    expect(fitted.measured?.medianHz).toBeCloseTo(referenceF0, -1);
    // espeak copying espeak: the fitted colour is near, and no nearer than, a same-voice floor.
    if (fitted.version === 4) {
      expect(fitted.fit.medianErrorSemitones).toBeLessThan(1.5);
      expect(fitted.fit.spectrumDistanceDb).toBeLessThan(3);
      expect(fitted.eqDb).toHaveLength(19);
      expect(JSON.stringify(fitted).length).toBeLessThan(1024);
    }
    const renderedF0 = await medianF0({ builtin: fitted });
    expect(Math.abs(12 * Math.log2(renderedF0 / referenceF0))).toBeLessThan(2);
    // The stock voice is further off than the fit, or the test proves nothing.
    expect(Math.abs(12 * Math.log2((await medianF0({})) / referenceF0))).toBeGreaterThan(2);
  });

  it('picks the female base variant for a high reference', async () => {
    const reference = concatenate(await collect(engine.synthesize({ voice: voiceWith({ builtin: high }), sentences: text })));
    const fitted = await engine.analyseVoice({ samples: reference, sampleRate: engine.sampleRate }, '', 'en');
    expect(fitted.baseVariant).toBe('f2');
  });

  it('applies the profile EQ while streaming: a treble boost raises the treble of the output', async () => {
    const sentences = english('She sells sea shells by the sea shore, and the shells she sells are surely seashells.');
    const flat = { ...PROFILE_V2, eqDb: PROFILE_V2.eqDb.map(() => 0) };
    const bright = { ...PROFILE_V2, eqDb: THIRD_OCTAVE_CENTRES_HZ.map((hz) => (hz >= 2000 ? 8 : hz <= 500 ? -4 : 0)) };
    const flatAudio = concatenate(await collect(engine.synthesize({ voice: voiceWith({ builtin: flat }), sentences })));
    const brightChunks = await collect(engine.synthesize({ voice: voiceWith({ builtin: bright }), sentences }));
    const brightAudio = concatenate(brightChunks);
    expect(brightChunks.length).toBeGreaterThan(1);
    // Same words and timing (espeak may differ by a few samples run to run).
    expect(Math.abs(brightAudio.length - flatAudio.length)).toBeLessThan(0.01 * flatAudio.length);
    const flatDb = longTermSpectrum(flatAudio, engine.sampleRate).bandDb;
    const brightDb = longTermSpectrum(brightAudio, engine.sampleRate).bandDb;
    const change = (b: number): number => brightDb[b]! - flatDb[b]!;
    // 4 kHz (+8 dB) vs 400 Hz (−4 dB): 12 dB apart as designed.
    expect(change(16) - change(6)).toBeGreaterThan(10.5);
    expect(change(16) - change(6)).toBeLessThan(13.5);
  });

  it('refuses a reference without voiced speech', async () => {
    await expect(engine.analyseVoice({ samples: new Float32Array(48000), sampleRate: 48000 }, '', 'zh')).rejects.toBeInstanceOf(NoVoicedSpeechError);
  });
});

describe('BuiltinEngine worker crash', () => {
  it('fails the in-flight request with an EngineError and serves the next one from a fresh worker', async () => {
    const crashing = await BuiltinEngine.create({ workerUrl: new URL('./crashingEspeakWorker.ts', import.meta.url) });
    try {
      const failure = collect(crashing.synthesize({ voice: voiceWith(), sentences: english('Please CRASH now.') }));
      await expect(failure).rejects.toBeInstanceOf(EngineError);
      await expect(failure).rejects.toThrow(/crashed/);
      const audio = concatenate(await collect(crashing.synthesize({ voice: voiceWith(), sentences: english('Back again.') })));
      expect(rms(audio)).toBeGreaterThan(0.02);
    } finally {
      await crashing.close();
    }
  });
});
