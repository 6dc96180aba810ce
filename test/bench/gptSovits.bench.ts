/*
 * GPT-SoVITS v2 speed on the real Genie graphs with seeded random weights (compute cost does not depend
 * on the values). Each configuration runs in its own child process, one after the other, so peak RSS is
 * that configuration's own and one configuration's memory or thread pool cannot slow the next.
 *
 * Figures: ms per decoder step (p50/p95), real-time factor of a 20-character Chinese sentence forced to
 * its typical token count, time to first audio, registration time, load time, peak RSS.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GptSovitsPipeline, MODEL_SAMPLE_RATE, SAMPLES_PER_TOKEN, type DecodingLimits } from '../../src/synthesis/engines/gpt-sovits/GptSovitsPipeline.ts';
import { detectModelLayout } from '../../src/synthesis/engines/gpt-sovits/ModelLayout.ts';
import * as ort from 'onnxruntime-node';
import { InPlaceKvCache } from '../../src/synthesis/engines/gpt-sovits/KvCache.ts';
import { loadDecoderSessions, loadModelSessions, type DecoderOptions } from '../../src/synthesis/engines/gpt-sovits/ModelSessions.ts';
import { SeededRandom } from '../../src/synthesis/engines/gpt-sovits/SeededRandom.ts';
import { writeRandomWeights } from '../../src/synthesis/engines/gpt-sovits/__tests__/onnx/randomGenieWeights.ts';
import { writeRandomHubertBase, writeRandomRobertaLarge } from '../../src/synthesis/engines/gpt-sovits/__tests__/onnx/randomEncoderModels.ts';
import { speechLikeClip } from '../../src/synthesis/engines/gpt-sovits/__tests__/speechLikeClip.ts';
import { TextFrontEnd } from '../../src/text/TextFrontEnd.ts';
import { percentile } from './percentile.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures/genie-tts-v2/v2/Models');
const GRAPHS = ['t2s_encoder_fp32.onnx', 't2s_first_stage_decoder_fp32.onnx', 't2s_stage_decoder_fp32.onnx', 'vits_fp32.onnx'];

/** 20 characters; the front end keeps it as one sentence (the comma does not split). */
const SENTENCE_20 = '今天的直播真的很精彩，主播的操作让我开眼界。';
/** A short opener: what a chat message often starts with, and what first audio waits for. */
const OPENER_5 = '主播晚上好！';
/** GPT-SoVITS reads Mandarin at about 4.5 syllables per second, at 25 tokens per second: ≈ 5.5 tokens a character. */
const TOKENS_PER_CHARACTER = 5.5;
const TIMED_RUNS = 2;

/** A configuration to compare: the engine as first written, then each speed change added in turn. */
interface Variant {
  readonly name: string;
  readonly spinWait: boolean;
  readonly decoder: DecoderOptions;
  /** Load the full-size random RoBERTa-large too (Mandarin BERT features: one RoBERTa run per sentence). */
  readonly roberta?: boolean;
}

/** Not a name the layout's auto-detection picks up: only the RoBERTa variant passes it explicitly. */
const ROBERTA_FOLDER = 'bench-bert-large';

const VARIANTS: readonly Variant[] = [
  { name: 'graphs as converted, spinning threads', spinWait: true, decoder: { kvCache: 'graph', weights: 'float32' } },
  { name: '+ in-place KV caches (graph rewrite)', spinWait: true, decoder: { kvCache: 'in-place', weights: 'float32' } },
  { name: '+ no spinning (float32, GPT_SOVITS_DECODER_WEIGHTS=float32)', spinWait: false, decoder: { kvCache: 'in-place', weights: 'float32' } },
  { name: '+ int8 block-wise decoder weights (default)', spinWait: false, decoder: { kvCache: 'in-place', weights: 'int8' } },
  { name: 'default + Chinese RoBERTa (optional)', spinWait: false, decoder: { kvCache: 'in-place', weights: 'int8' }, roberta: true },
];

interface ChildResult {
  readonly loadMs: number;
  readonly rssAfterLoadMiB: number;
  readonly peakRssMiB: number;
  readonly registrationMs: number;
  readonly prefillMs: number;
  readonly stepP50: number;
  readonly stepP95: number;
  readonly tokens: number;
  readonly sentenceMs: number;
  readonly vitsMs: number;
  readonly openerMs: number;
  readonly bertMs: number;
  readonly loadAverage: number;
}

const forced = (characters: number): DecodingLimits => {
  const tokens = Math.round(characters * TOKENS_PER_CHARACTER);
  // EOS is held back until `tokens` and the cap is `tokens`; no repetition stop (random weights can loop).
  return { minTokens: tokens, maxTokens: tokens, maxTokensPerPhone: 1000, repetition: { maxPeriod: 0, maxRun: 1e9, maxRepeats: 1e9, minSpan: 1e9 } };
};

const median = (values: readonly number[]): number => percentile(values, 50);

async function child(dir: string, threads: number, variant: Variant): Promise<ChildResult> {
  const text = new TextFrontEnd({ maxCharacters: 2000 });
  const [sentence] = text.process(SENTENCE_20);
  const [opener] = text.process(OPENER_5);
  if (sentence === undefined || opener === undefined) throw new Error('front end returned no sentence');

  let started = performance.now();
  const layout = detectModelLayout(dir, variant.roberta === true ? { robertaPath: join(dir, ROBERTA_FOLDER) } : {});
  const sessions = await loadModelSessions(layout, { intraOpThreads: threads, spinWait: variant.spinWait, decoder: variant.decoder });
  const loadMs = performance.now() - started;
  const rssAfterLoadMiB = process.memoryUsage().rss / 2 ** 20;
  const pipeline = new GptSovitsPipeline(sessions);

  const clip = { samples: speechLikeClip(6, 44100), sampleRate: 44100 };
  const registrations: number[] = [];
  let features = await pipeline.analyse(clip, '大家好，欢迎来到我的直播间，今天我们一起玩游戏。', 'zh');
  for (let i = 0; i < 2; i++) {
    started = performance.now();
    features = await pipeline.analyse(clip, '大家好，欢迎来到我的直播间，今天我们一起玩游戏。', 'zh');
    registrations.push(performance.now() - started);
  }

  await pipeline.synthesizeSentence(opener, features, forced(2), 1); // warm-up
  const openerTimes: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    started = performance.now();
    await pipeline.synthesizeSentence(opener, features, forced(5), 10 + i);
    openerTimes.push(performance.now() - started);
  }

  const steps: number[] = [];
  const prefills: number[] = [];
  const totals: number[] = [];
  const vits: number[] = [];
  const bert: number[] = [];
  let tokens = 0;
  for (let i = 0; i < TIMED_RUNS; i++) {
    const runSteps: number[] = [];
    started = performance.now();
    const result = await pipeline.synthesizeSentence(sentence, features, forced(20), 20 + i, undefined, (ms) => runSteps.push(ms));
    const total = performance.now() - started;
    tokens = result.tokens;
    totals.push(total);
    prefills.push(runSteps[0]!);
    steps.push(...runSteps.slice(1));
    vits.push(result.timings.vitsMs);
    bert.push(result.timings.bertMs);
  }
  await sessions.release();
  return {
    loadMs,
    rssAfterLoadMiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    registrationMs: median(registrations),
    prefillMs: median(prefills),
    stepP50: percentile(steps, 50),
    stepP95: percentile(steps, 95),
    tokens,
    sentenceMs: median(totals),
    vitsMs: median(vits),
    openerMs: median(openerTimes),
    bertMs: median(bert),
    loadAverage: loadavg()[0]!,
  };
}

/** How far int8 logits are from float32 ones over a lockstep decode (same tokens fed to both). */
interface Agreement {
  readonly klNats: number;
  readonly top1: number;
  readonly top15: number;
  readonly logitsError: number;
}

const AGREEMENT_STEPS = 60;

async function agreement(dir: string): Promise<Agreement> {
  const layout = detectModelLayout(dir);
  const [float32, int8] = [await loadDecoderSessions(layout, { decoder: { weights: 'float32' } }), await loadDecoderSessions(layout, { decoder: { weights: 'int8' } })];
  const random = new SeededRandom(5);
  // x stands in for the encoder's output (embeddings + positions, magnitude ~1); a 6 s reference's prompt is 150 tokens.
  const x = new ort.Tensor('float32', Float32Array.from({ length: 40 * 512 }, () => (random.next() - 0.5) * 2), [1, 40, 512]);
  const prompts = new ort.Tensor('int64', BigInt64Array.from({ length: 150 }, () => BigInt(Math.floor(random.next() * 1024))), [1, 150]);
  const softmax = (l: Float32Array): Float64Array => {
    const peak = l.reduce((m, v) => Math.max(m, v), -Infinity);
    const e = Float64Array.from(l, (v) => Math.exp(v - peak));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  const ranked = (l: Float32Array): number[] => Array.from(l.keys()).sort((a, b) => l[b]! - l[a]!);
  let a = await float32.firstStageDecoder.run({ x, prompts });
  let b = await int8.firstStageDecoder.run({ x, prompts });
  const [cacheA, cacheB] = [new InPlaceKvCache(layout.layerCount, 16, layout.modelWidth), new InPlaceKvCache(layout.layerCount, 16, layout.modelWidth)];
  cacheA.fromPrefill(a);
  cacheB.fromPrefill(b);
  let [logitsA, logitsB] = [a[layout.firstStageDecoder.logitsTensor]!.data as Float32Array, b[layout.firstStageDecoder.logitsTensor]!.data as Float32Array];
  let kl = 0, top1 = 0, top15 = 0, logitsError = 0;
  for (let step = 0; step < AGREEMENT_STEPS; step++) {
    const [pa, pb] = [softmax(logitsA), softmax(logitsB)];
    for (let i = 0; i < pa.length; i++) if (pa[i]! > 0) kl += pa[i]! * Math.log(pa[i]! / Math.max(pb[i]!, 1e-300));
    const [ra, rb] = [ranked(logitsA), ranked(logitsB)];
    if (ra[0] === rb[0]) top1++;
    const bestB = new Set(rb.slice(0, 15));
    top15 += ra.slice(0, 15).filter((t) => bestB.has(t)).length / 15;
    let error = 0, energy = 0;
    for (let i = 0; i < logitsA.length; i++) {
      error += (logitsA[i]! - logitsB[i]!) ** 2;
      energy += logitsA[i]! ** 2;
    }
    logitsError += Math.sqrt(error / energy);
    // Both decoders continue with float32's most likely token.
    for (const y of [a.y!, b.y!]) (y.data as BigInt64Array)[(y.data as BigInt64Array).length - 1] = BigInt(ra[0]!);
    const [nextA, nextB] = [await float32.stageDecoder.run({ iy: a.y!, iy_emb: a.y_emb!, ...cacheA.feeds() }), await int8.stageDecoder.run({ iy: b.y!, iy_emb: b.y_emb!, ...cacheB.feeds() })];
    cacheA.afterStep(nextA);
    cacheB.afterStep(nextB);
    [a, b] = [nextA, nextB];
    [logitsA, logitsB] = [a[layout.stageDecoder.logitsTensor]!.data as Float32Array, b[layout.stageDecoder.logitsTensor]!.data as Float32Array];
  }
  await Promise.all([float32, int8].flatMap((s) => [s.firstStageDecoder.release(), s.stageDecoder.release()]));
  return { klNats: kl / AGREEMENT_STEPS, top1: top1 / AGREEMENT_STEPS, top15: top15 / AGREEMENT_STEPS, logitsError: logitsError / AGREEMENT_STEPS };
}

/**
 * The same model with outlier-heavy decoder weights, the case that separates quantisation schemes:
 * trained transformers have a few norm-gain channels far above the rest (activation outliers) and
 * rows of very different scale; plain random weights have neither.
 */
function prepareStressedModel(base: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-gsv-stress-'));
  for (const file of ['t2s_encoder_fp32.onnx', 't2s_encoder_fp32.bin', 't2s_first_stage_decoder_fp32.onnx', 't2s_stage_decoder_fp32.onnx', 'vits_fp32.onnx', 'vits_fp16.bin', 'chinese-hubert-base.onnx', 'chinese-hubert-base_weights_fp16.bin']) {
    symlinkSync(join(base, file), join(dir, file));
  }
  const random = new SeededRandom(9);
  writeRandomWeights(join(dir, 't2s_stage_decoder_fp32.onnx'), join(dir, 't2s_shared_fp16.bin'), 'float16', 2, (init) => {
    if (init.dims.length === 1 && /norm.*weight$/.test(init.name)) return Float32Array.from({ length: init.dims[0]! }, () => (random.next() < 0.01 ? 20 : 1) * (0.5 + random.next()));
    if (init.dims.length !== 2 || !/layers\.\d+\./.test(init.name)) return undefined;
    const [rows, columns] = init.dims as [number, number];
    const out = new Float32Array(rows * columns);
    for (let row = 0; row < rows; row++) {
      const scale = Math.exp((random.next() - 0.5) * 3) / Math.sqrt(columns);
      for (let c = 0; c < columns; c++) out[row * columns + c] = (random.next() * 2 - 1) * Math.sqrt(3) * scale * (random.next() < 0.001 ? 8 : 1);
    }
    return out;
  });
  return dir;
}

function prepareModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-gsv-bench-'));
  for (const file of GRAPHS) copyFileSync(join(FIXTURES, file), join(dir, file));
  writeRandomWeights(join(dir, 't2s_encoder_fp32.onnx'), join(dir, 't2s_encoder_fp32.bin'), 'float32', 1);
  writeRandomWeights(join(dir, 't2s_stage_decoder_fp32.onnx'), join(dir, 't2s_shared_fp16.bin'), 'float16', 2);
  writeRandomWeights(join(dir, 'vits_fp32.onnx'), join(dir, 'vits_fp16.bin'), 'float16', 3);
  writeRandomHubertBase(dir);
  writeRandomRobertaLarge(join(dir, ROBERTA_FOLDER));
  return dir;
}

const run = promisify(execFile);

export async function runGptSovitsBench(): Promise<string[]> {
  if (!existsSync(join(FIXTURES, 't2s_stage_decoder_fp32.onnx'))) return [`skipped: the Genie v2 graphs are not at ${FIXTURES}`];
  const dir = prepareModel();
  const tokens = Math.round(20 * TOKENS_PER_CHARACTER);
  const lines: string[] = [
    `20-character sentence forced to ${tokens} tokens (${((tokens * SAMPLES_PER_TOKEN) / MODEL_SAMPLE_RATE).toFixed(2)} s of audio); RTF = its whole synthesis (encoder, prefill, steps, VITS) / audio; ` +
      `first audio = synthesis of a 5-character opener (${Math.round(5 * TOKENS_PER_CHARACTER)} tokens); medians of ${TIMED_RUNS} runs; step = onnxruntime run + cache bookkeeping + sampling`,
    'registration runs a full-size HuBERT-base with random weights (randomEncoderModels.ts; the real one is not among the fixtures) on a 6 s clip, then the VQ encoder; ' +
      '"load avg" is the machine\'s 1-minute load at the end of the run, this run included: compare rows taken at similar load',
  ];
  try {
    const stressed = prepareStressedModel(dir);
    try {
      for (const [label, modelDir] of [['plain random weights', dir], ['outlier-heavy weights (1 % of norm gains ×20, row scales e^±1.5, 0.1 % of weights ×8)', stressed]] as const) {
        const { stdout } = await run(process.execPath, [import.meta.filename, 'agreement', modelDir], { maxBuffer: 1 << 20, timeout: 300_000 });
        const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Agreement;
        lines.push(
          `int8 vs float32 logits, ${AGREEMENT_STEPS} lockstep steps after a 150-token prompt, ${label}: KL ${r.klNats.toExponential(1)} nats per step, ` +
            `same top token ${(100 * r.top1).toFixed(0)} %, top-15 overlap ${(100 * r.top15).toFixed(1)} %, logits RMS error ${(100 * r.logitsError).toFixed(1)} %`,
        );
      }
    } finally {
      rmSync(stressed, { recursive: true, force: true });
    }
    for (const threads of [1, 2]) {
      for (const variant of VARIANTS) {
        const { stdout } = await run(process.execPath, [import.meta.filename, dir, String(threads), JSON.stringify(variant)], { maxBuffer: 1 << 20, timeout: 300_000 });
        const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
        const audioSeconds = (r.tokens * SAMPLES_PER_TOKEN) / MODEL_SAMPLE_RATE;
        lines.push(
          `${threads} thread${threads > 1 ? 's' : ''}, ${variant.name}: step ${r.stepP50.toFixed(1)} / ${r.stepP95.toFixed(1)} ms (p50 / p95), prefill ${r.prefillMs.toFixed(0)} ms, ` +
            `${r.bertMs > 0 ? `RoBERTa ${r.bertMs.toFixed(0)} ms, ` : ''}VITS ${r.vitsMs.toFixed(0)} ms, sentence ${(r.sentenceMs / 1000).toFixed(2)} s → RTF ${(r.sentenceMs / 1000 / audioSeconds).toFixed(2)}, first audio ${(r.openerMs / 1000).toFixed(2)} s, ` +
            `registration ${r.registrationMs.toFixed(0)} ms, load ${(r.loadMs / 1000).toFixed(1)} s, RSS ${r.rssAfterLoadMiB.toFixed(0)} after load / ${r.peakRssMiB.toFixed(0)} MiB peak (load avg ${r.loadAverage.toFixed(1)})`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

// Child process: `node gptSovits.bench.ts <modelDir> <threads> <variant JSON>` prints one JSON line.
if (process.argv[1] === import.meta.filename && process.argv[2] === 'agreement') {
  process.stdout.write(`${JSON.stringify(await agreement(process.argv[3]!))}\n`);
} else if (process.argv[1] === import.meta.filename) {
  const [dir, threads, variant] = process.argv.slice(2);
  const result = await child(dir!, Number(threads), JSON.parse(variant!) as Variant);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
