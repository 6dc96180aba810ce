import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chorus } from '../../src/app/Chorus.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { createLogger } from '../../src/log/createLogger.ts';
import { OpusFrameEncoder } from '../../src/audio/OpusFrameEncoder.ts';
import type { AudioSink } from '../../src/playback/AudioSink.ts';
import type { UtteranceReport } from '../../src/playback/UtteranceReport.ts';
import { BuiltinEngine } from '../../src/synthesis/engines/builtin/BuiltinEngine.ts';
import { TextFrontEnd } from '../../src/text/TextFrontEnd.ts';
import { percentile } from './percentile.ts';

const SHORT = '主播晚上好！';
const LONG_200 = (
  '今天的直播真的太精彩了，主播的操作让我大开眼界。我从下午三点就开始看，一直看到现在，完全停不下来。' +
  '刚才那一波团战打得非常漂亮，五个人配合得天衣无缝，最后还拿下了大龙。希望主播明天继续直播，我一定会准时来的。' +
  '另外想问一下主播用的是什么键盘和鼠标，手感看起来很不错，我也想买一套同款来试试看，价格大概多少钱呢？谢谢主播！'
).slice(0, 200);

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Audio seconds per CPU second of the built-in engine, over a few minutes of speech. */
async function engineSpeed(): Promise<string[]> {
  const engine = await BuiltinEngine.create({ workers: 1 });
  const text = new TextFrontEnd({ maxCharacters: 2000 });
  const sentences = text.process(LONG_200.repeat(3));
  // Warm-up: the first call compiles the wasm.
  for await (const _ of engine.synthesize({ sentences: text.process(SHORT), voice: { id: 'default', language: 'zh', features: {} } })) void _;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  let samples = 0;
  for (let round = 0; round < 3; round++) {
    for await (const chunk of engine.synthesize({ sentences, voice: { id: 'default', language: 'zh', features: {} } })) samples += chunk.samples.length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wall = (performance.now() - wallBefore) / 1000;
  const audioSeconds = samples / engine.sampleRate;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await engine.close();
  return [
    `built-in engine: ${audioSeconds.toFixed(1)} s of audio in ${cpuSeconds.toFixed(2)} CPU s / ${wall.toFixed(2)} wall s → ` +
      `${(audioSeconds / cpuSeconds).toFixed(1)}× real time per CPU second (${(audioSeconds / wall).toFixed(1)}× wall)`,
  ];
}

/** Opus encoding speed: 60 s of 48 kHz speech-like signal through OpusFrameEncoder (stereo, as for Discord). */
function opusSpeed(): string[] {
  const seconds = 60;
  const samples = new Int16Array(48_000 * seconds);
  for (let i = 0; i < samples.length; i++) {
    const t = i / 48_000;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    samples[i] = Math.round(8000 * envelope * (Math.sin(2 * Math.PI * 140 * t) + 0.5 * Math.sin(2 * Math.PI * 280 * t) + 0.2 * (Math.random() - 0.5)));
  }
  const encoder = new OpusFrameEncoder({ channels: 2 });
  const start = performance.now();
  let frames = encoder.push(samples).length;
  frames += encoder.end().length;
  const elapsed = (performance.now() - start) / 1000;
  return [`Opus encoding: ${frames} frames (${seconds} s) in ${ms(elapsed * 1000)} → ${(seconds / elapsed).toFixed(0)}× real time`];
}

/** say → first PCM chunk and first Opus frame through the whole in-process pipeline. */
async function latency(runs: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-bench-'));
  const config = loadConfig({ DATABASE_PATH: join(dir, 'db.sqlite'), VOICES_DIR: join(dir, 'voices'), OUT_DIR: join(dir, 'out') });
  const chorus = await Chorus.start({ config, logger: createLogger({ level: 'warn', format: 'json' }) });
  const firstFrame = new Map<string, number>();
  const sink: AudioSink = {
    begin: () => undefined,
    write: () => undefined,
    end: () => undefined,
  };
  chorus.attachSink('bench', sink);
  const player = chorus.player('bench');
  player.on('utteranceStart', (utterance) => firstFrame.set(utterance.jobId, Date.now()));
  const lines: string[] = [];
  for (const [label, text] of [['short (6 chars)', SHORT], ['200 chars', LONG_200]] as const) {
    const toChunk: number[] = [];
    const toFrame: number[] = [];
    for (let run = 0; run < runs; run++) {
      const id = randomUUID();
      const ended = new Promise<UtteranceReport>((resolve) => {
        const listener = (report: UtteranceReport): void => {
          if (report.utterance.jobId !== id) return;
          player.off('utteranceEnd', listener);
          resolve(report);
        };
        player.on('utteranceEnd', listener);
      });
      const saidAt = Date.now();
      await chorus.say({ id, platform: 'console', target: 'bench', author: { userId: 'bench', displayName: 'bench' }, text, kind: 'chat', receivedAt: saidAt });
      const report = await ended;
      if (report.metrics.firstChunkAt !== undefined) toChunk.push(report.metrics.firstChunkAt - saidAt);
      const frameAt = firstFrame.get(id);
      if (frameAt !== undefined) toFrame.push(frameAt - saidAt);
    }
    lines.push(
      `say → first PCM chunk, ${label}: p50 ${ms(percentile(toChunk, 50))}, p95 ${ms(percentile(toChunk, 95))}; ` +
        `→ first Opus frame: p50 ${ms(percentile(toFrame, 50))}, p95 ${ms(percentile(toFrame, 95))} (n=${runs})`,
    );
  }
  await chorus.close();
  await rm(dir, { recursive: true, force: true });
  return lines;
}

export async function runCorePipelineBench(): Promise<string[]> {
  return [...(await engineSpeed()), ...opusSpeed(), ...(await latency(20))];
}
