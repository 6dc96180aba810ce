import type { Page } from 'playwright-core';
import { BuiltinEngine } from '../../src/synthesis/engines/builtin/BuiltinEngine.ts';
import type { SynthesisEngine } from '../../src/synthesis/SynthesisEngine.ts';
import { chat, installMeter, launchChromium, readMeter, startBot, TARGET, tempDir, TOKEN, waitForConnection, waitForEvent } from '../browser/overlayHarness.ts';
import { percentile } from './percentile.ts';

const RUNS = 30;
const TEXTS = ['主播晚上好！', '这波操作太秀了', '今天几点下播呀？', '好听好听', '来了来了，刚下班'];

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

/**
 * say → the first audible sample in Chromium's overlay page (an analyser on the page's output, polled every
 * 5 ms, compared with the wall clock the page and this process share), one utterance at a time.
 */
async function firstAudible(page: Page, say: (text: string, index: number) => Promise<string>): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 0; index < RUNS + 2; index += 1) {
    const before = (await readMeter(page)).firstSoundWall.length;
    const saidAt = Date.now();
    // Numbered, so the chat policy's repeat filter lets every one through.
    const jobId = await say(`${TEXTS[index % TEXTS.length] as string} ${index + 1}`, index);
    await waitForEvent(page, 'ended', jobId, 30_000);
    const meter = await readMeter(page);
    const heardAt = meter.firstSoundWall[before];
    // The first two warm up the engine, the decoder and the JIT.
    if (index >= 2 && heardAt !== undefined) latencies.push(heardAt - saidAt);
  }
  return latencies;
}

async function measure(label: string, engine: SynthesisEngine | undefined): Promise<string[]> {
  const dir = await tempDir('chorus-overlay-bench-');
  const bot = await startBot(dir.path, engine === undefined ? { tone: { chunkDelayMs: 1 } } : { engine });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${bot.server.origin}/overlay?token=${TOKEN}`);
    await installMeter(page);
    await waitForConnection(page);
    const latencies = await firstAudible(page, async (text) => {
      const event = chat(text);
      const outcome = await bot.chorus.say(event);
      if (outcome.kind !== 'queued') throw new Error(`not queued: ${outcome.detail}`);
      return event.id;
    });
    const stats = bot.server.stats()[TARGET];
    const bytesPerSecond = stats === undefined ? Number.NaN : stats.bytesSent / (stats.audioMsSent / 1000);
    const sorted = [...(stats?.startLatenciesMs ?? [])];
    return [
      `${label}: say → first audible sample in Chromium: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))} ` +
        `(n=${latencies.length}; sink begin → page "started" p50 ${ms(percentile(sorted, 50))})`,
      `${label}: sent to the page ${(bytesPerSecond / 1024).toFixed(1)} KiB per second of audio (${((bytesPerSecond * 8) / 1000).toFixed(0)} kbit/s: stereo Opus frames shared with Discord, in Ogg segments with 2 priming packets)`,
    ];
  } finally {
    await browser.close();
    await bot.close();
    await dir.remove();
  }
}

export async function runOverlayBench(): Promise<string[]> {
  return [...(await measure('tone engine', undefined)), ...(await measure('built-in engine', await BuiltinEngine.create({ workers: 1 })))];
}
