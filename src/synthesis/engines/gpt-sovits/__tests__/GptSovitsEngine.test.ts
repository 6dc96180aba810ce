import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PcmChunk } from '../../../../audio/PcmChunk.ts';
import type { Sentence } from '../../../../text/TextPart.ts';
import { CancelledError } from '../../../../util/ChorusError.ts';
import { decodeFeatures, encodeFeatures } from '../../../../voices/featuresJson.ts';
import { createGptSovitsEngine, type GptSovitsEngine } from '../GptSovitsEngine.ts';
import { ReferenceClipError, VoiceFeaturesError } from '../GptSovitsErrors.ts';
import type { GptSovitsVoiceFeatures } from '../GptSovitsVoiceFeatures.ts';
import { EOS, flatScript, writeTinyGenieModel } from './onnx/tinyGenieModel.ts';
import { speechLikeClip } from './speechLikeClip.ts';

const root = mkdtempSync(join(tmpdir(), 'chorus-gsv-engine-'));
let engine: GptSovitsEngine;
let features: GptSovitsVoiceFeatures;

const SENTENCES: Sentence[] = [
  { parts: [{ language: 'zh', text: '大家好。', pinyin: 'da4 jia1 hao3.' }] },
  { parts: [{ language: 'en', text: 'Welcome to the stream!' }] },
];

async function collect(stream: AsyncIterable<PcmChunk>): Promise<PcmChunk[]> {
  const chunks: PcmChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

beforeAll(async () => {
  // Every script row favours EOS, so each sentence ends right at the 11-token minimum.
  writeTinyGenieModel(join(root, 'model'), { script: flatScript(1200, EOS), hubert: 'sibling' });
  engine = await createGptSovitsEngine({ modelDir: join(root, 'model'), threads: 1, seed: 42 });
  features = (await engine.analyseVoice({ samples: speechLikeClip(6, 24000), sampleRate: 24000 }, '大家好，我是主播，欢迎来到直播间。', 'zh')) as GptSovitsVoiceFeatures;
});
afterAll(async () => {
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

const voice = () => ({ id: 'v1', language: 'zh' as const, features: decodeFeatures(encodeFeatures({ 'gpt-sovits': features })) });

describe('GptSovitsEngine registration', () => {
  it('computes prompt tokens, reference phones and 32 kHz reference audio from the clip', () => {
    const seconds = features.windowSeconds.end - features.windowSeconds.start;
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThanOrEqual(6.01);
    expect(features.referenceAudio32k.length).toBe(Math.round(features.windowSeconds.end * 32000) - Math.round(features.windowSeconds.start * 32000));
    // HuBERT frames over the window + 0.6 s padding at 16 kHz, then the encoder halves them.
    const padded16k = Math.round(seconds * 16000) + 9600;
    expect(features.promptTokens.length).toBe(Math.floor((Math.floor((padded16k - 400) / 320) + 1) / 2));
    expect(features.transcriptUsed).toBe('大家好，我是主播，欢迎来到直播间。');
    expect(features.referencePhoneIds.length).toBe(2 * 14 + 3); // 14 syllables and 3 punctuation marks
  });

  it('uses at most 10 s of a long clip, cut at a pause, with the matching part of the transcript', async () => {
    const long = (await engine.analyseVoice({ samples: speechLikeClip(16, 16000), sampleRate: 16000 }, 'one two three, four five six, seven eight nine, ten eleven twelve, thirteen fourteen.', 'en')) as GptSovitsVoiceFeatures;
    const seconds = long.windowSeconds.end - long.windowSeconds.start;
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThanOrEqual(10);
    expect(long.transcriptUsed.length).toBeLessThan(80);
    expect(long.transcriptUsed).toMatch(/^one two three, .*[a-z],?$/);
    expect(long.windowSeconds.start).toBeLessThan(0.2);
  });

  it('refuses a clip shorter than 3 s', async () => {
    await expect(engine.analyseVoice({ samples: speechLikeClip(2, 16000), sampleRate: 16000 }, '你好', 'zh')).rejects.toBeInstanceOf(ReferenceClipError);
  });
});

describe('GptSovitsEngine synthesis', () => {
  it('streams each sentence at 48 kHz with 0.3 s of silence between sentences', async () => {
    const chunks = await collect(engine.synthesize({ sentences: SENTENCES, voice: voice() }));
    expect(chunks.map((c) => [c.sentenceIndex, c.samples.length])).toEqual([
      [0, 11 * 1920], // 11 tokens × 1280 samples at 32 kHz → 1920 at 48 kHz
      [1, 14400],
      [1, 11 * 1920],
    ]);
    expect(chunks.every((c) => c.sampleRate === 48000 && engine.sampleRate === 48000)).toBe(true);
    expect(chunks[1]!.samples.every((s) => s === 0)).toBe(true);
    expect(chunks[0]!.samples.some((s) => s !== 0)).toBe(true);
  });

  it('is cancelled by the signal and keeps working afterwards', async () => {
    const controller = new AbortController();
    const many: Sentence[] = Array.from({ length: 6 }, () => SENTENCES[0]!);
    const seen: PcmChunk[] = [];
    const run = (async () => {
      for await (const chunk of engine.synthesize({ sentences: many, voice: voice(), signal: controller.signal })) {
        seen.push(chunk);
        controller.abort();
      }
    })();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen.length).toBe(1);
    const again = await collect(engine.synthesize({ sentences: [SENTENCES[0]!], voice: voice() }));
    expect(again.length).toBe(1);
  });

  it('rejects a voice without GPT-SoVITS features', async () => {
    await expect(collect(engine.synthesize({ sentences: SENTENCES, voice: { id: 'old', language: 'zh', features: {} } }))).rejects.toBeInstanceOf(VoiceFeaturesError);
  });
});
