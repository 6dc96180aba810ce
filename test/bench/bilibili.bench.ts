import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Chorus } from '../../src/app/Chorus.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { BilibiliGateway } from '../../src/gateways/bilibili/BilibiliGateway.ts';
import { DanmakuClient } from '../../src/gateways/bilibili/DanmakuClient.ts';
import { createLogger } from '../../src/log/createLogger.ts';
import type { AudioSink } from '../../src/playback/AudioSink.ts';
import { ToneEngine } from '../../src/synthesis/engines/tone/ToneEngine.ts';
import { FakeBilibili } from '../fakes/bilibili/FakeBilibili.ts';
import * as bodies from '../fakes/bilibili/commandBodies.ts';
import { bundle } from '../fakes/bilibili/fakeFraming.ts';
import { percentile } from './percentile.ts';

// `npm run bench` runs each tier for a short time; `--long` (or BILIBILI_BENCH_SECONDS=60) for the issue's 60 s.
const SECONDS = Number(process.env.BILIBILI_BENCH_SECONDS ?? (process.argv.includes('--long') ? 60 : 10));
// BILIBILI_BENCH_RATES=50,200 runs only those tiers (to measure one tier without the rest).
const RATES = (process.env.BILIBILI_BENCH_RATES ?? '2,10,50,200').split(',').map(Number).filter((rate) => rate > 0);
/** The server pushes bundles a few times a second; each carries what accumulated since the last. */
const BUNDLE_MS = 250;
const REPEATS = ['草', 'awsl', '哈哈哈哈', '666', '好听'];

/** Plays in real time: each 20 ms frame takes 20 ms, like an overlay or a voice channel. */
const realTimeSink: AudioSink = {
  begin: () => undefined,
  write: () => new Promise((resolve) => setTimeout(resolve, 20)),
  end: () => undefined,
};

/** Heap used after a full collection, when the process runs with --expose-gc; else undefined. */
function liveHeap(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  gc();
  return process.memoryUsage().heapUsed;
}

interface TierResult {
  readonly lines: string[];
}

async function tier(rate: number, index: number): Promise<TierResult> {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-bili-bench-'));
  const config = loadConfig({ DATABASE_PATH: join(dir, 'db.sqlite'), VOICES_DIR: join(dir, 'voices'), OUT_DIR: join(dir, 'out'), ENGINE: 'tone', CHAT_BACKLOG_WARN_SECONDS: '30' });
  const chorus = await Chorus.start({ config, logger: createLogger({ level: 'silent', format: 'json' }), engine: new ToneEngine({ msPerCharacter: 80, chunkDelayMs: 1 }) });
  const target = 'bilibili:bench';
  chorus.attachSink(target, realTimeSink);
  const player = chorus.player(target);
  const createdAt = new Map<string, number>();
  const latencies: number[] = [];
  player.queue.on('add', (entry) => createdAt.set(entry.job.id, entry.job.createdAt));
  player.on('utteranceStart', (utterance) => {
    const at = createdAt.get(utterance.jobId);
    if (at !== undefined && utterance.priority !== 'system') latencies.push(Date.now() - at);
  });
  const fake = await FakeBilibili.start();
  const client = new DanmakuClient({ roomId: fake.roomId, liveApiBase: fake.baseUrl, mainApiBase: fake.baseUrl, scheme: 'ws' });
  const gateway = new BilibiliGateway({ host: chorus, target });
  gateway.attach(client);
  let parsed = 0;
  client.on('event', () => (parsed += 1));
  await client.start();

  // Bundles are built and compressed before the clock starts: the fake's brotli (quality 11, synchronous) must not
  // count as a stall of the client, which shares this process.
  const ticks = Math.round((SECONDS * 1000) / BUNDLE_MS);
  const bundles: Buffer[] = [];
  let sent = 0;
  let superChatsSent = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const commands: object[] = [];
    for (const due = Math.floor((rate * (tick + 1) * BUNDLE_MS) / 1000); sent < due; sent++) {
      const n = sent;
      const uid = 10_000 + (n % 997);
      if (n % 40 === 39) commands.push(bodies.sendGift({ uid, uname: `观众${uid}`, tid: `g${index}-${n}`, num: 1, price: n % 80 === 79 ? 10_000 : 100 }));
      else commands.push(bodies.danmuMsg({ uid, uname: `观众${uid}`, idStr: `d${index}-${n}`, text: n % 2 === 0 ? (REPEATS[n % REPEATS.length] as string) : `第${n}条弹幕，今天也很开心` }));
    }
    // One super chat every 2 s whatever the rate (more than the several per minute of big events, to have numbers).
    if (tick % Math.round(2000 / BUNDLE_MS) === 0) {
      superChatsSent++;
      commands.push(bodies.superChat({ id: `${index}-${superChatsSent}`, price: 30 * ((superChatsSent % 3) + 1), uname: '醒目', message: `第${superChatsSent}条醒目留言` }));
    }
    bundles.push(bundle(commands, 'brotli'));
  }

  // With --expose-gc, heap used after a full collection at the start and end of the tier: what is really kept,
  // unlike RSS, which also holds garbage not yet collected and memory V8 keeps for reuse.
  const heapStart = liveHeap();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  let rssMid = rssStart;
  const queueLengths: number[] = [];
  const started = performance.now();
  for (const [tick, bytes] of bundles.entries()) {
    fake.pushRaw(bytes);
    queueLengths.push(player.queue.length);
    // Half way: compared with the end, shows whether RSS keeps growing with time or has levelled off.
    if (tick === Math.floor(bundles.length / 2)) rssMid = process.memoryUsage().rss;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    // On an absolute schedule, so timer drift does not lower the rate.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (tick + 1) * BUNDLE_MS - performance.now())));
  }
  const elapsed = (performance.now() - started) / 1000;
  // Let the last bundles arrive, then silence the rest so every item ends up accounted for.
  await new Promise((resolve) => setTimeout(resolve, 300));
  loop.disable();
  const memoryEnd = process.memoryUsage();
  const rssEnd = memoryEnd.rss;
  const heapEnd = liveHeap();
  player.stop();
  await chorus.whenIdle();
  const snapshot = chorus.accounting.snapshot();
  const sc = snapshot.byClass.superChat;
  const scDropped = Object.values(sc.dropped).reduce((sum, count) => sum + count, 0);
  const scItems = snapshot.tracked.filter((item) => item.priority === 'superChat');
  const unaccounted = superChatsSent - scItems.length + scItems.filter((item) => item.state === 'pending').length;
  const drops = Object.entries(snapshot.droppedByReason).map(([reason, count]) => `${reason} ${count}`).join(', ');
  const skips = Object.entries(gateway.stats.skipped).filter(([, count]) => count > 0).map(([reason, count]) => `${reason} ${count}`).join(', ');
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  const lines = [
    `${rate} msg/s for ${elapsed.toFixed(0)} s: sent ${sent} + ${superChatsSent} SC, parsed ${parsed} (${(parsed / elapsed).toFixed(1)}/s); ` +
      `queue length max ${Math.max(...queueLengths)}, mean ${(queueLengths.reduce((a, b) => a + b, 0) / queueLengths.length).toFixed(1)} (cap ${player.queue.maxLength}); ` +
      `spoken ${Object.values(snapshot.byClass).reduce((sum, c) => sum + c.spoken, 0)}`,
    `  drops by reason: ${drops || 'none'}; gateway skipped: ${skips || 'none'}, gifts merged ${gateway.stats.giftsMerged}`,
    `  receipt → speech start (admitted, n=${latencies.length}): p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`,
    `  RSS start ${mib(rssStart)}, half way ${mib(rssMid)}, peak ${mib(rssPeak)}, end ${mib(rssEnd)}; longest event-loop stall ${(loop.max / 1e6).toFixed(1)} ms (p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms)` +
      `; at the end V8 heap reserved ${mib(memoryEnd.heapTotal)}, external ${mib(memoryEnd.external)}` +
      (heapStart === undefined || heapEnd === undefined ? '' : `; heap after GC start ${mib(heapStart)}, end ${mib(heapEnd)}`),
    `  super chats: sent ${superChatsSent}, received ${sc.received}, spoken ${sc.spoken}, dropped ${scDropped} (${Object.entries(sc.dropped).map(([r, c]) => `${r} ${c}`).join(', ') || 'none'}), unaccounted ${unaccounted}`,
  ];
  gateway.close();
  await client.close();
  await chorus.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
  return { lines };
}

export async function runBilibiliBench(): Promise<string[]> {
  const lines = [`fake room on loopback (web route, brotli bundles every ${BUNDLE_MS} ms; half the danmaku are repeats), real gateway + Chorus, tone engine at 80 ms/char, real-time sink; ${SECONDS} s per tier (--long: 60 s). Bundles are compressed before each tier; the fake server still shares the process.`];
  for (const [index, rate] of RATES.entries()) lines.push(...(await tier(rate, index)).lines);
  return lines;
}
