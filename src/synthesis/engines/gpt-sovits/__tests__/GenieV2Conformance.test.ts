/*
 * Conformance on the real GPT-SoVITS v2 graph structure: the weight-less Genie-TTS graphs from
 * ../shared/fixtures/genie-tts-v2/v2/Models filled with seeded random weights (stored as the converter
 * stores them: float32 encoder file, float16 decoder and vocoder files), then registration from a
 * recording and synthesis through the real pipeline. Sequences are kept short (≤ 20 tokens).
 * HuBERT is not among the fixtures, so a stand-in with the real interface is used.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PcmChunk } from '../../../../audio/PcmChunk.ts';
import type { Sentence } from '../../../../text/TextPart.ts';
import { createGptSovitsEngine } from '../GptSovitsEngine.ts';
import { GptSovitsPipeline, SAMPLES_PER_TOKEN, type DecodingLimits } from '../GptSovitsPipeline.ts';
import type { GptSovitsVoiceFeatures } from '../GptSovitsVoiceFeatures.ts';
import { detectModelLayout, type ModelLayout } from '../ModelLayout.ts';
import { ArDecoder } from '../ArDecoder.ts';
import { InPlaceKvCache } from '../KvCache.ts';
import { loadDecoderSessions, loadModelSessions, type DecoderSessions, type ModelSessions } from '../ModelSessions.ts';
import { SeededRandom } from '../SeededRandom.ts';
import { writeRandomWeights } from './onnx/randomGenieWeights.ts';
import { writeTinyHubert, writeTinyRoberta } from './onnx/tinyGenieModel.ts';
import { CharacterTokenizer } from '../CharacterTokenizer.ts';
import { RobertaFeatures } from '../RobertaFeatures.ts';
import { speechLikeClip } from './speechLikeClip.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../../../shared/fixtures/genie-tts-v2/v2/Models');
const present = existsSync(join(FIXTURES, 't2s_stage_decoder_fp32.onnx'));
if (!present) console.warn(`GPT-SoVITS conformance skipped: the Genie v2 graphs are not at ${FIXTURES}.`);

const SHORT: DecodingLimits = { minTokens: 11, maxTokensPerPhone: 1, maxTokens: 20 };
const SENTENCES: Sentence[] = [
  { parts: [{ language: 'zh', text: '欢迎来到直播间！', pinyin: 'huan1 ying2 lai2 dao4 zhi2 bo1 jian1!' }] },
  { parts: [{ language: 'en', text: 'Thanks for the follow.' }] },
];

describe.skipIf(!present)('GPT-SoVITS v2 on the real Genie graphs (random weights)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-gsv-real-'));
  let layout: ModelLayout;
  let sessions: ModelSessions;
  /** The decoders as converted (float32, in-place caches): the reference the int8 default is held to. */
  let float32: DecoderSessions;
  let pipeline: GptSovitsPipeline;
  let features: GptSovitsVoiceFeatures;
  /** JS-side bytes held right after loading (the float32 weights are ~0.5 GB while loading). */
  let arrayBuffersAfterLoad = 0;

  beforeAll(async () => {
    for (const file of ['t2s_encoder_fp32.onnx', 't2s_first_stage_decoder_fp32.onnx', 't2s_stage_decoder_fp32.onnx', 'vits_fp32.onnx']) copyFileSync(join(FIXTURES, file), join(dir, file));
    writeRandomWeights(join(dir, 't2s_encoder_fp32.onnx'), join(dir, 't2s_encoder_fp32.bin'), 'float32', 1);
    // Make EOS the decoder's favourite whenever it is allowed: the last layer's output is a constant
    // vector c (norm2 gain 0, bias c) and the EOS row of the predictor is c, so its logit is |c|² ≫ the rest.
    const c = Float32Array.from({ length: 512 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (0.5 + new SeededRandom(i).next()));
    writeRandomWeights(join(dir, 't2s_stage_decoder_fp32.onnx'), join(dir, 't2s_shared_fp16.bin'), 'float16', 2, (init) => {
      if (init.name === 'transformer_encoder.layers.23.norm2.weight') return new Float32Array(512);
      if (init.name === 'transformer_encoder.layers.23.norm2.bias') return c;
      if (init.name === 'ar_predict_layer.weight') {
        const random = new SeededRandom(5);
        const weights = Float32Array.from({ length: 1025 * 512 }, () => (random.next() - 0.5) * 0.15);
        weights.set(c, 1024 * 512);
        return weights;
      }
      return undefined;
    });
    writeRandomWeights(join(dir, 'vits_fp32.onnx'), join(dir, 'vits_fp16.bin'), 'float16', 3);
    writeTinyHubert(dir);
    layout = detectModelLayout(dir);
    sessions = await loadModelSessions(layout, { intraOpThreads: 2 });
    arrayBuffersAfterLoad = process.memoryUsage().arrayBuffers;
    float32 = await loadDecoderSessions(layout, { intraOpThreads: 2, decoder: { weights: 'float32' } });
    pipeline = new GptSovitsPipeline(sessions);
    features = await pipeline.analyse({ samples: speechLikeClip(5, 44100), sampleRate: 44100 }, '大家好，欢迎来到我的直播间。', 'zh');
  });

  afterAll(async () => {
    await sessions?.release();
    if (float32 !== undefined) await Promise.all([float32.firstStageDecoder.release(), float32.stageDecoder.release()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('detects the real layout: 24 layers, width 512, the logits of both decoders', () => {
    expect(layout.layerCount).toBe(24);
    expect(layout.modelWidth).toBe(512);
    expect(layout.stageDecoder.logitsTensor).toBe('/ar_predict_layer/MatMul_output_0');
    expect(layout.firstStageDecoder.weights[0]).toMatchObject({ storage: 'float16', requiredBytes: 306827268 });
    expect(sessions.stageDecoder.outputNames).toContain('/ar_predict_layer/MatMul_output_0');
  });

  it('frees the float32 weight bytes as soon as the sessions hold their own copies', () => {
    // 307 MB of decoder weights and 162 MB of vocoder weights were widened in JS memory to load them.
    expect(arrayBuffersAfterLoad / 2 ** 20).toBeLessThan(150);
  });

  it('registers a voice: prompt tokens from the real VQ encoder, phones, 32 kHz reference', () => {
    const seconds = features.windowSeconds.end - features.windowSeconds.start;
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(features.referenceAudio32k.length).toBe(Math.round(features.windowSeconds.end * 32000) - Math.round(features.windowSeconds.start * 32000));
    const frames = Math.floor((Math.round(seconds * 16000) + 9600 - 400) / 320) + 1;
    expect(features.promptTokens.length).toBe(Math.floor(frames / 2));
    expect(features.promptTokens.every((t) => t >= 0 && t < 1024)).toBe(true);
  });

  it('ends each sentence by its rules and yields 1280 samples per token at 32 kHz', async () => {
    for (const sentence of SENTENCES) {
      const result = await pipeline.synthesizeSentence(sentence, features, SHORT, 7);
      // EOS dominates once allowed, so the loop stops exactly at the minimum length.
      expect(result.stopReason).toBe('eos');
      expect(result.tokens).toBe(11);
      expect(result.audio.length).toBe(result.tokens * SAMPLES_PER_TOKEN);
      expect(result.audio.every((s) => Number.isFinite(s) && Math.abs(s) <= 1)).toBe(true);
    }
  });

  it('stops at the maximum length when the stop token is never drawn', async () => {
    const noEos: DecodingLimits = { minTokens: 20, maxTokensPerPhone: 1, maxTokens: 14 };
    const result = await pipeline.synthesizeSentence(SENTENCES[0]!, features, noEos, 3);
    expect(result.stopReason).toBe('max-length');
    expect(result.tokens).toBe(14);
    expect(result.audio.length).toBe(14 * SAMPLES_PER_TOKEN);
  });

  const x = (rows: number): ort.Tensor => {
    const random = new SeededRandom(11);
    return new ort.Tensor('float32', Float32Array.from({ length: rows * 512 }, () => random.next() - 0.5), [1, rows, 512]);
  };
  const prompts = (): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(features.promptTokens, (t) => BigInt(t)), [1, features.promptTokens.length]);
  const rms = (a: Float32Array): number => Math.sqrt(a.reduce((sum, v) => sum + v * v, 0) / a.length);
  const difference = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v - b[i]!);

  it('the in-place KV rewrite computes what the graph as exported computes, step after step', async () => {
    expect(float32.decoder).toEqual({ kvCache: 'in-place', weights: 'float32' });
    expect(float32.stageDecoder.inputNames).toContain('k_cache_0');
    expect(float32.stageDecoder.outputNames).not.toContain('present_k_layer_0');
    const reference = await loadDecoderSessions(layout, { intraOpThreads: 2, decoder: { kvCache: 'graph', weights: 'float32' } });
    try {
      let graphOut = await float32.firstStageDecoder.run({ x: x(12), prompts: prompts() });
      const cache = new InPlaceKvCache(24, 16, 512);
      cache.fromPrefill(graphOut);
      // 34 steps: past the cache's first capacity (rows + 32), so re-laying it out is covered too.
      for (let step = 0; step < 34; step++) {
        const common = { iy: graphOut.y!, iy_emb: graphOut.y_emb! };
        const past: Record<string, ort.Tensor> = {};
        for (let i = 0; i < 24; i++) {
          past[`past_k_layer_${i}`] = graphOut[`present_k_layer_${i}`]!;
          past[`past_v_layer_${i}`] = graphOut[`present_v_layer_${i}`]!;
        }
        const expected = await reference.stageDecoder.run({ ...common, ...past });
        const actual = await float32.stageDecoder.run({ ...common, ...cache.feeds() });
        // Every layer's new K/V row depends on the attention of the layers below it.
        for (let i = 0; i < 24; i++) {
          for (const kind of ['k', 'v'] as const) {
            const full = expected[`present_${kind}_layer_${i}`]!.data as Float32Array;
            const row = actual[`${kind}_new_${i}`]!.data as Float32Array;
            expect(rms(difference(row, full.subarray(full.length - 512)))).toBeLessThan(1e-5 * Math.max(1, rms(row)));
          }
        }
        cache.afterStep(actual);
        graphOut = expected;
      }
    } finally {
      await Promise.all([reference.firstStageDecoder.release(), reference.stageDecoder.release()]);
    }
  });

  it("int8 (the default) keeps every layer's keys and values within a few per cent of float32, step after step, and decodes by the same rules", async () => {
    expect(sessions.decoder).toEqual({ kvCache: 'in-place', weights: 'int8' });
    expect(sessions.stageDecoder.inputNames).toContain('k_cache_0');
    const feeds = { x: x(12), prompts: prompts() };
    let reference = await float32.firstStageDecoder.run(feeds);
    let quantised = await sessions.firstStageDecoder.run(feeds);
    const worst = { prefill: 0, steps: 0 };
    // Layer 23's rows carry the rounding of all 23 layers below.
    for (const layer of [0, 12, 23]) {
      for (const kind of ['k', 'v'] as const) {
        const a = reference[`present_${kind}_layer_${layer}`]!.data as Float32Array;
        const b = quantised[`present_${kind}_layer_${layer}`]!.data as Float32Array;
        worst.prefill = Math.max(worst.prefill, rms(difference(a, b)) / rms(a));
      }
    }
    // Lockstep: both decoders get the same tokens; each keeps its own caches, so errors can accumulate.
    const referenceCache = new InPlaceKvCache(24, 16, 512);
    const quantisedCache = new InPlaceKvCache(24, 16, 512);
    referenceCache.fromPrefill(reference);
    quantisedCache.fromPrefill(quantised);
    for (let step = 0; step < 12; step++) {
      reference = await float32.stageDecoder.run({ iy: reference.y!, iy_emb: reference.y_emb!, ...referenceCache.feeds() });
      quantised = await sessions.stageDecoder.run({ iy: reference.y!, iy_emb: quantised.y_emb!, ...quantisedCache.feeds() });
      for (let layer = 0; layer < 24; layer++) {
        for (const kind of ['k', 'v'] as const) {
          const a = reference[`${kind}_new_${layer}`]!.data as Float32Array;
          const b = quantised[`${kind}_new_${layer}`]!.data as Float32Array;
          worst.steps = Math.max(worst.steps, rms(difference(a, b)) / rms(a));
        }
      }
      referenceCache.afterStep(reference);
      quantisedCache.afterStep(quantised);
    }
    // Measured: 3.2 % (prefill, worst of layers 0/12/23) and 9.1 % (worst single row of 576); a wrong
    // block layout, scale or zero point gives errors of 100 % and more.
    expect(worst.prefill).toBeLessThan(0.06);
    expect(worst.steps).toBeLessThan(0.15);
    expect(worst.steps).toBeGreaterThan(0); // the int8 graph really is a different computation
    const decoder = new ArDecoder({
      firstStageDecoder: sessions.firstStageDecoder,
      stageDecoder: sessions.stageDecoder,
      firstStageLogits: layout.firstStageDecoder.logitsTensor,
      stageLogits: layout.stageDecoder.logitsTensor,
      layerCount: 24,
      kvCache: 'in-place',
      modelWidth: 512,
    });
    const result = await decoder.decode(x(12), BigInt64Array.from(features.promptTokens, (t) => BigInt(t)), { seed: 2, minTokens: 11, maxTokens: 30 });
    expect(result.stopReason).toBe('eos');
    expect(result.tokens.length).toBe(11);
  });

  it('RoBERTa features change exactly the encoder rows of Mandarin phones (reference and sentence), nothing else', async () => {
    const robertaDir = join(dir, 'roberta-test');
    writeTinyRoberta(robertaDir);
    const session = await ort.InferenceSession.create(join(robertaDir, 'model.onnx'));
    const roberta = await RobertaFeatures.create(session, CharacterTokenizer.fromFile(join(robertaDir, 'tokenizer.json')), join(robertaDir, 'model.onnx'));
    try {
      const withRoberta = new GptSovitsPipeline({ ...sessions, roberta });
      const sentence: Sentence = { parts: [{ language: 'en', text: 'Hello ' }, { language: 'zh', text: '欢迎来到直播间！', pinyin: 'huan1 ying2 lai2 dao4 zhi2 bo1 jian1!' }] };
      const [plain, enriched] = [await pipeline.encodeSentence(sentence, features), await withRoberta.encodeSentence(sentence, features)];
      if (plain === null || enriched === null) throw new Error('nothing encoded');
      const reference = features.referencePhoneIds.length;
      const rows = plain.x.dims[1]!;
      expect(rows).toBe(reference + plain.text.phones.length);
      const [a, b] = [plain.x.data as Float32Array, enriched.x.data as Float32Array];
      const changed = (row: number): boolean => a.subarray(row * 512, (row + 1) * 512).some((v, i) => Math.abs(v - b[row * 512 + i]!) > 1e-4);
      // Sentence rows: Mandarin phones changed, English phones and the added punctuation did not.
      plain.text.phoneSources.forEach((source, phone) => expect(changed(reference + phone), `${plain.text.phones[phone]}`).toBe(source !== null));
      // Reference rows (大家好，欢迎来到…): Mandarin throughout, so every one changed.
      for (let row = 0; row < reference; row++) expect(changed(row)).toBe(true);
      // English-only sentence: identical sentence rows.
      const english: Sentence = { parts: [{ language: 'en', text: 'Thanks for the follow.' }] };
      const [e1, e2] = [await pipeline.encodeSentence(english, features), await withRoberta.encodeSentence(english, features)];
      const [d1, d2] = [e1!.x.data as Float32Array, e2!.x.data as Float32Array];
      expect(d1.subarray(reference * 512)).toEqual(d2.subarray(reference * 512));
    } finally {
      await roberta.release();
    }
  });

  it('streams through the worker engine at 48 kHz', async () => {
    const engine = await createGptSovitsEngine({ modelDir: dir, threads: 2, seed: 1, limits: SHORT });
    try {
      const chunks: PcmChunk[] = [];
      for await (const chunk of engine.synthesize({ sentences: SENTENCES, voice: { id: 'v', language: 'zh', features: { 'gpt-sovits': features } } })) chunks.push(chunk);
      expect(chunks.map((c) => [c.sentenceIndex, c.samples.length, c.sampleRate])).toEqual([
        [0, 11 * 1920, 48000],
        [1, 14400, 48000],
        [1, 11 * 1920, 48000],
      ]);
    } finally {
      await engine.close();
    }
  });
});
