/*
 * GPT-SoVITS v2 speed on the real Genie graphs with seeded random weights (compute cost does not depend
 * on the values). Each configuration runs in its own child process, one after the other, so peak RSS is
 * that configuration's own and one configuration's memory or thread pool cannot slow the next.
 *
 * Figures: ms per decoder step (p50/p95), real-time factor of a 20-character Chinese sentence forced to
 * its typical token count, time to first audio, registration time, load time, peak RSS.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GptSovitsPipeline, MODEL_SAMPLE_RATE, SAMPLES_PER_TOKEN, type DecodingLimits } from '../../src/synthesis/engines/gpt-sovits/GptSovitsPipeline.ts';
import { detectModelLayout } from '../../src/synthesis/engines/gpt-sovits/ModelLayout.ts';
import { loadModelSessions, type DecoderOptions } from '../../src/synthesis/engines/gpt-sovits/ModelSessions.ts';
import { writeRandomWeights } from '../../src/synthesis/engines/gpt-sovits/__tests__/onnx/randomGenieWeights.ts';
import { writeTinyHubert } from '../../src/synthesis/engines/gpt-sovits/__tests__/onnx/tinyGenieModel.ts';
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
}

const VARIANTS: readonly Variant[] = [
  { name: 'graphs as converted, spinning threads', spinWait: true, decoder: { kvCache: 'graph', weights: 'float32' } },
  { name: '+ in-place KV caches (graph rewrite)', spinWait: true, decoder: { kvCache: 'in-place', weights: 'float32' } },
  { name: '+ no spinning (default)', spinWait: false, decoder: { kvCache: 'in-place', weights: 'float32' } },
  { name: '+ int8 decoder weights (opt-in)', spinWait: false, decoder: { kvCache: 'in-place', weights: 'int8' } },
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
  const sessions = await loadModelSessions(detectModelLayout(dir), { intraOpThreads: threads, spinWait: variant.spinWait, decoder: variant.decoder });
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
    loadAverage: loadavg()[0]!,
  };
}

function prepareModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-gsv-bench-'));
  for (const file of GRAPHS) copyFileSync(join(FIXTURES, file), join(dir, file));
  writeRandomWeights(join(dir, 't2s_encoder_fp32.onnx'), join(dir, 't2s_encoder_fp32.bin'), 'float32', 1);
  writeRandomWeights(join(dir, 't2s_stage_decoder_fp32.onnx'), join(dir, 't2s_shared_fp16.bin'), 'float16', 2);
  writeRandomWeights(join(dir, 'vits_fp32.onnx'), join(dir, 'vits_fp16.bin'), 'float16', 3);
  writeTinyHubert(dir);
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
    'registration uses a one-conv HuBERT stand-in (chinese-hubert-base is not among the fixtures), so it is encoder + VQ only; ' +
      '"load avg" is the machine\'s 1-minute load at the end of the run, this run included: compare rows taken at similar load',
  ];
  try {
    for (const threads of [1, 2]) {
      for (const variant of VARIANTS) {
        const { stdout } = await run(process.execPath, [import.meta.filename, dir, String(threads), JSON.stringify(variant)], { maxBuffer: 1 << 20, timeout: 300_000 });
        const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
        const audioSeconds = (r.tokens * SAMPLES_PER_TOKEN) / MODEL_SAMPLE_RATE;
        lines.push(
          `${threads} thread${threads > 1 ? 's' : ''}, ${variant.name}: step ${r.stepP50.toFixed(1)} / ${r.stepP95.toFixed(1)} ms (p50 / p95), prefill ${r.prefillMs.toFixed(0)} ms, ` +
            `VITS ${r.vitsMs.toFixed(0)} ms, sentence ${(r.sentenceMs / 1000).toFixed(2)} s → RTF ${(r.sentenceMs / 1000 / audioSeconds).toFixed(2)}, first audio ${(r.openerMs / 1000).toFixed(2)} s, ` +
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
if (process.argv[1] === import.meta.filename) {
  const [dir, threads, variant] = process.argv.slice(2);
  const result = await child(dir!, Number(threads), JSON.parse(variant!) as Variant);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
