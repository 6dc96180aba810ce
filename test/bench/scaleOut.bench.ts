import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/log/createLogger.ts';
import { BullSynthesisQueue } from '../../src/queue/bull/BullSynthesisQueue.ts';
import { InProcessSynthesisQueue } from '../../src/queue/InProcessSynthesisQueue.ts';
import type { SynthesisJob, SynthesisQueue } from '../../src/queue/SynthesisQueue.ts';
import { BuiltinEngine } from '../../src/synthesis/engines/builtin/BuiltinEngine.ts';
import { ToneEngine } from '../../src/synthesis/engines/tone/ToneEngine.ts';
import { TextFrontEnd } from '../../src/text/TextFrontEnd.ts';
import { RedisServer } from '../support/redisServer.ts';
import { percentile } from './percentile.ts';

const WORKER_MAIN = fileURLToPath(new URL('../../src/worker/main.ts', import.meta.url));
/** `npm run worker`'s wiring on a tone engine that waits TONE_CHUNK_DELAY_MS per chunk (an engine busy off the CPU). */
const TONE_WORKER = fileURLToPath(new URL('../../src/queue/bull/__tests__/toneWorker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MESSAGES = ['主播晚上好！今天的直播真精彩。', '刚才那一波团战打得非常漂亮，最后还拿下了大龙。', 'Good evening chat, thanks for the follow!', '请问主播用的是什么键盘？手感看起来很不错。'];
const THROUGHPUT_JOBS = 40;
/** The built-in engine's wasm reaches full speed after about ten utterances (V8 tier-up); each engine gets this many first. */
const WARM_UP_PER_ENGINE = 12;
const LATENCY_RUNS = 20;

const logger = createLogger({ level: 'silent', format: 'json' });
const text = new TextFrontEnd({ maxCharacters: 500 });
let jobCounter = 0;

function job(message: string): SynthesisJob {
  jobCounter += 1;
  return { id: `bench-${process.pid}-${jobCounter}`, voice: { id: 'default', language: 'zh', features: {} }, sentences: text.process(message), priority: 'chat', deadline: Date.now() + 600_000 };
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Runs a handle to its end; returns the number of chunks and first-chunk latency (ms after submit). */
async function run(queue: SynthesisQueue, spoken: SynthesisJob): Promise<{ chunks: number; firstAudioMs: number }> {
  const handle = queue.submit(spoken);
  let chunks = 0;
  for await (const _ of handle.chunks) chunks += 1;
  const timings = handle.timings();
  return { chunks, firstAudioMs: (timings.firstChunkAt ?? Number.NaN) - timings.submittedAt };
}

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
}

function startWorker(redisUrl: string, engine: 'builtin' | 'tone', toneChunkDelayMs?: number): WorkerProcess {
  const entry = toneChunkDelayMs === undefined ? WORKER_MAIN : TONE_WORKER;
  const child = spawn(process.execPath, [entry], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      REDIS_URL: redisUrl,
      ENGINE: engine,
      ENGINE_WORKERS: '1',
      WORKER_CONCURRENCY: '1',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...(toneChunkDelayMs === undefined ? {} : { TONE_CHUNK_DELAY_MS: String(toneChunkDelayMs) }),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString('utf8');
      if (output.includes('synthesis worker waiting for jobs')) resolve();
    });
    void exited.then(() => reject(new Error(`a bench worker exited early:\n${output}`)));
  });
  ready.catch(() => {});
  return { child, ready, exited };
}

async function stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  for (const worker of workers) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((worker) => worker.exited));
}

/**
 * All jobs submitted at once; utterances finished per second of wall time, best of three rounds (the machine
 * may be shared). Also the bot process's own CPU time per utterance: what scale-out takes off the bot.
 */
async function throughput(queue: SynthesisQueue): Promise<{ rate: number; botCpuMs: number }> {
  let rate = 0;
  let botCpuMs = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const jobs = Array.from({ length: THROUGHPUT_JOBS }, (_, i) => job(MESSAGES[i % MESSAGES.length] as string));
    const cpu = process.cpuUsage();
    const start = performance.now();
    await Promise.all(jobs.map((spoken) => run(queue, spoken)));
    rate = Math.max(rate, THROUGHPUT_JOBS / ((performance.now() - start) / 1000));
    const used = process.cpuUsage(cpu);
    botCpuMs = Math.min(botCpuMs, (used.user + used.system) / 1000 / THROUGHPUT_JOBS);
  }
  return { rate, botCpuMs };
}

/** Sequential jobs on an idle queue: submit → first PCM chunk. */
async function firstAudio(queue: SynthesisQueue): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) latencies.push((await run(queue, job(MESSAGES[i % 2] as string))).firstAudioMs);
  return latencies;
}

async function warmUp(queue: SynthesisQueue, workers: number): Promise<void> {
  await Promise.all(Array.from({ length: workers * WARM_UP_PER_ENGINE }, (_, i) => run(queue, job(MESSAGES[i % MESSAGES.length] as string))));
}

/** Built-in engine: in-process baseline, then 1, 2 and 4 worker processes through Redis. */
async function builtinThroughAndLatency(redis: RedisServer): Promise<string[]> {
  const lines: string[] = [];
  const engine = await BuiltinEngine.create({ workers: 1 });
  const local = new InProcessSynthesisQueue({ engine, concurrency: 1 });
  await warmUp(local, 1);
  const { rate: localRate, botCpuMs: localCpu } = await throughput(local);
  const localLatency = await firstAudio(local);
  await local.close();
  await engine.close();
  lines.push(`in-process (1 engine thread): ${localRate.toFixed(1)} utterances/s, bot CPU ${ms(localCpu)} per utterance (engine thread included); first audio p50 ${ms(percentile(localLatency, 50))}, p95 ${ms(percentile(localLatency, 95))}`);

  const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger });
  for (const count of [1, 2, 4]) {
    const workers = Array.from({ length: count }, () => startWorker(redis.url, 'builtin'));
    try {
      await Promise.all(workers.map((worker) => worker.ready));
      await warmUp(queue, count);
      const { rate, botCpuMs } = await throughput(queue);
      let latency = '';
      if (count === 1) {
        const remote = await firstAudio(queue);
        latency = `; first audio p50 ${ms(percentile(remote, 50))}, p95 ${ms(percentile(remote, 95))} (vs in-process +${ms(percentile(remote, 50) - percentile(localLatency, 50))} at p50)`;
      }
      lines.push(`Redis, ${count} worker process${count === 1 ? '' : 'es'}: ${rate.toFixed(1)} utterances/s (${(rate / localRate).toFixed(2)}× in-process), bot CPU ${ms(botCpuMs)} per utterance${latency}`);
    } finally {
      await stopWorkers(workers);
    }
  }
  await queue.close();
  lines.push(`(throughput: best of 3 rounds of ${THROUGHPUT_JOBS} utterances of 15–40 characters, after ${WARM_UP_PER_ENGINE} warm-up utterances per engine, built-in engine, one engine thread per worker process, ${availableParallelism()} CPUs shared by the bot, Redis and the workers; first audio over ${LATENCY_RUNS} sequential utterances)`);
  return lines;
}

/** Tone engine (negligible synthesis cost): what Redis adds per chunk, end to end. */
async function perChunkOverhead(redis: RedisServer): Promise<string[]> {
  const long = job('This sentence is long enough to be split into a good number of chunks by the tone engine, so that per-chunk costs dominate the measurement. '.repeat(3));
  const engine = new ToneEngine();
  const local = new InProcessSynthesisQueue({ engine });
  await run(local, job('warm up'));
  const localTimes: number[] = [];
  let chunks = 0;
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    chunks = (await run(local, { ...long, id: `${long.id}-local-${i}` })).chunks;
    localTimes.push(performance.now() - start);
  }
  await local.close();

  const worker = startWorker(redis.url, 'tone');
  const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger });
  const remoteTimes: number[] = [];
  try {
    await worker.ready;
    await run(queue, job('warm up'));
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      await run(queue, { ...long, id: `${long.id}-remote-${i}` });
      remoteTimes.push(performance.now() - start);
    }
  } finally {
    await queue.close();
    await stopWorkers([worker]);
  }
  const localMedian = percentile(localTimes, 50);
  const remoteMedian = percentile(remoteTimes, 50);
  const chunkBytes = Math.round(((engine.sampleRate * 40) / 1000) * 2);
  return [
    `tone engine, ${chunks} chunks of 40 ms (${chunkBytes} bytes): in-process ${ms(localMedian)}, through Redis ${ms(remoteMedian)} per utterance (medians of 10) → ` +
      `${((remoteMedian - localMedian) / chunks).toFixed(3)} ms added per chunk (XADD + XREAD + copy, one worker process, loopback)`,
  ];
}

/**
 * An engine whose time is spent off this machine's CPU (a GPU, another box), stood in for by the tone engine
 * waiting 20 ms per 40 ms chunk: throughput should grow with the number of workers.
 */
async function offCpuScaling(redis: RedisServer): Promise<string[]> {
  const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger });
  const parts: string[] = [];
  let single = 0;
  try {
    for (const count of [1, 2, 4]) {
      const workers = Array.from({ length: count }, () => startWorker(redis.url, 'tone', 20));
      try {
        await Promise.all(workers.map((worker) => worker.ready));
        const jobs = Array.from({ length: 4 * count }, (_, i) => job(MESSAGES[i % MESSAGES.length] as string));
        const start = performance.now();
        await Promise.all(jobs.map((spoken) => run(queue, spoken)));
        const rate = jobs.length / ((performance.now() - start) / 1000);
        if (count === 1) single = rate;
        parts.push(`${count} worker${count === 1 ? '' : 's'} ${rate.toFixed(2)}/s (${(rate / single).toFixed(2)}×)`);
      } finally {
        await stopWorkers(workers);
      }
    }
  } finally {
    await queue.close();
  }
  return [`engine busy off the CPU (tone engine waiting 20 ms per 40 ms chunk), utterances/s through Redis: ${parts.join(', ')}`];
}

export async function runScaleOutBench(): Promise<string[]> {
  const redis = await RedisServer.start();
  try {
    return [...(await builtinThroughAndLatency(redis)), ...(await offCpuScaling(redis)), ...(await perChunkOverhead(redis))];
  } finally {
    await redis.dispose();
  }
}
