import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { toneSampleCount } from '../../src/synthesis/engines/tone/ToneEngine.ts';
import { REPO_ROOT } from '../support/runChorus.ts';
import { chat, installMeter, launchChromium, overlayEvents, readMeter, startBot, tempDir, TOKEN, waitForConnection, waitForEvent, type Bot } from './overlayHarness.ts';

const MS_PER_CHARACTER = 80;
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/** The tone engine's audio length for the sentences of its last `count` requests, in seconds. */
function synthesisedSeconds(bot: Bot, count = 1): number[] {
  return bot.engine.activity.requests.slice(-count).map((request) => {
    const samples = request.split(' | ').reduce((sum, sentence) => sum + toneSampleCount(sentence, bot.engine.sampleRate, MS_PER_CHARACTER), 0);
    return samples / bot.engine.sampleRate;
  });
}

describe('OBS overlay page in Chromium', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let bot: Bot;
  let browser: Browser;
  let overlay: Page;

  beforeAll(async () => {
    dir = await tempDir('chorus-overlay-');
    await mkdir(ARTIFACTS, { recursive: true });
    bot = await startBot(dir.path, { tone: { msPerCharacter: MS_PER_CHARACTER } });
    browser = await launchChromium();
    overlay = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await overlay.goto(`${bot.server.origin}/overlay?token=${TOKEN}&linger=60000`);
    await installMeter(overlay);
    await waitForConnection(overlay);
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.close();
    await dir?.remove();
  });

  it('plays an utterance as it is synthesised, for as long as it was synthesised, with its subtitle', async () => {
    const event = chat('主播晚上好，今天的直播真精彩！', { author: { userId: 'u1', displayName: '小明同学' } });
    expect((await bot.chorus.say(event)).kind).toBe('queued');
    await waitForEvent(overlay, 'started', event.id);
    await expect.poll(() => overlay.textContent('#subtitle .what')).toBe('主播晚上好，今天的直播真精彩！');
    expect(await overlay.textContent('#subtitle .name')).toBe('小明同学');
    expect(await overlay.textContent('#subtitle .badge')).toBe('B站');
    await waitForEvent(overlay, 'ended', event.id);

    const meter = await readMeter(overlay);
    expect(meter.peak).toBeGreaterThan(0.05);
    // One unbroken stretch of sound (segments join without gaps), as long as the synthesised audio.
    expect(meter.spans).toHaveLength(1);
    const [start, end] = meter.spans[0] as [number, number];
    const [expected] = synthesisedSeconds(bot);
    expect(Math.abs(end - start - (expected as number)) / (expected as number)).toBeLessThan(0.05);

    await overlay.evaluate("document.documentElement.style.setProperty('--bg', '#15171c')");
    await overlay.screenshot({ path: join(ARTIFACTS, 'overlay-dark.png') });
    await overlay.evaluate("document.documentElement.style.setProperty('--bg', '#f4f1ea')");
    await overlay.screenshot({ path: join(ARTIFACTS, 'overlay-light.png') });
    await overlay.evaluate("document.documentElement.style.setProperty('--bg', 'transparent')");
  });

  it('keeps the order of three quick utterances', async () => {
    const before = (await readMeter(overlay)).spans.length;
    const events = [chat('第一条'), chat('第二条消息'), chat('第三条')];
    for (const event of events) expect((await bot.chorus.say(event)).kind).toBe('queued');
    for (const event of events) await waitForEvent(overlay, 'ended', event.id);

    const started = (await overlayEvents(overlay)).filter((e) => e.type === 'started' && events.some((ev) => ev.id === e.jobId));
    expect(started.map((e) => e.jobId)).toEqual(events.map((e) => e.id));
    // Three separate sounds, each as long as its own text's audio.
    const spans = (await readMeter(overlay)).spans.slice(before);
    expect(spans).toHaveLength(3);
    for (const [index, seconds] of synthesisedSeconds(bot, 3).entries()) {
      const [start, end] = spans[index] as [number, number];
      expect(Math.abs(end - start - seconds)).toBeLessThan(0.05 * seconds + 0.02);
    }
  });

  it('shows markup typed in chat as plain text', async () => {
    const text = '<img src=x onerror="__pwned=1"><script>__pwned=2</script><b>粗</b>&amp;';
    const event = chat(text, { author: { userId: 'u-x', displayName: '<i>名字</i>' } });
    await bot.chorus.say(event);
    await waitForEvent(overlay, 'started', event.id);
    expect(await overlay.textContent('#subtitle .what')).toBe(text);
    expect(await overlay.textContent('#subtitle .name')).toBe('<i>名字</i>');
    expect(await overlay.locator('#subtitle img, #subtitle script, #subtitle b, #subtitle i').count()).toBe(0);
    expect(await overlay.evaluate('window.__pwned')).toBeUndefined();
    bot.chorus.player(event.target).skip();
    await waitForEvent(overlay, 'ended', event.id);
  });

  it('stops the audio at once when the control page skips, driven by the keyboard', async () => {
    const control = await browser.newPage();
    await control.goto(`${bot.server.origin}/control?token=${TOKEN}`);
    await expect.poll(() => control.textContent('#connection')).toBe('connected');

    const long = chat('这是一条很长很长的消息，用来测试跳过功能是否能够立刻让声音停下来。它还有第二句话，让它足够长，在按下跳过之前绝对不会自己播完。');
    const waiting = chat('<i>排队</i>的消息', { author: { userId: 'u-queued', displayName: '排队的人' } });
    await bot.chorus.say(long);
    await bot.chorus.say(waiting);
    const startedLong = await waitForEvent(overlay, 'started', long.id);
    // The queue shows the waiting message as text, with its speaker.
    await expect.poll(() => control.textContent('#queue')).toContain('<i>排队</i>的消息');
    expect(await control.locator('#queue i').count()).toBe(0);
    // Live figures: synthesis runs in this process here, so no Redis row.
    await expect.poll(() => control.textContent('#figures')).toMatch(/Synthesis\d+ waiting, \d+ running, \d+ done/);
    expect(await control.textContent('#figures')).not.toContain('Redis');
    await control.screenshot({ path: join(ARTIFACTS, 'control.png'), fullPage: true });

    await control.focus('#skip');
    await control.keyboard.press('Enter');
    const skipped = await waitForEvent(overlay, 'ended', long.id);
    expect(skipped.outcome).toBe('skipped');
    const startedNext = await waitForEvent(overlay, 'started', waiting.id);
    // The skipped utterance's sound ends where the skip reached the page, well before its natural end,
    // and the next message starts after a gap.
    const meter = await readMeter(overlay);
    const longSpan = meter.spans.find(([start]) => Math.abs(start - startedLong.audioTime) < 0.05) as [number, number];
    expect(longSpan[1]).toBeLessThan(skipped.audioTime + 0.03);
    const [expected] = synthesisedSeconds(bot, 2);
    expect(longSpan[1] - longSpan[0]).toBeLessThan((expected as number) - 1);
    // 'started' is reported when the page schedules the audio; the meter hears it a few frames later.
    await expect.poll(async () => (await readMeter(overlay)).spans.some(([start]) => start > longSpan[1]), { timeout: 5_000 }).toBe(true);
    const nextSpan = (await readMeter(overlay)).spans.find(([start]) => start > longSpan[1]) as [number, number];
    expect(nextSpan[0]).toBeGreaterThan(startedNext.audioTime - 0.03);
    await waitForEvent(overlay, 'ended', waiting.id);
    await control.close();
  });

  it('refuses a wrong token on the pages, the API and the WebSocket', async () => {
    const page = await fetch(`${bot.server.origin}/overlay?token=wrong-token-0000000000`);
    expect(page.status).toBe(401);
    expect(await page.text()).not.toContain('<script');
    expect((await fetch(`${bot.server.origin}/control`)).status).toBe(401);
    expect((await fetch(`${bot.server.origin}/api/state`, { headers: { Authorization: 'Bearer nope-nope-nope-nope' } })).status).toBe(401);
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${bot.server.origin.replace('http', 'ws')}/ws?token=wrong`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('a wrong token opened the socket')));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  it('survives a bot restart mid-queue: reconnects by itself and never replays', async () => {
    const port = bot.server.port;
    const [a, b, c] = [chat('重启前正在播放的消息，比较长一些。'), chat('重启前排队的第二条'), chat('重启前排队的第三条')];
    for (const event of [a, b, c]) await bot.chorus.say(event);
    await waitForEvent(overlay, 'started', a.id);
    await bot.close();
    await waitForEvent(overlay, 'disconnected', null);

    // The new process gets the same messages again (a gateway redelivering), plus a new one.
    bot = await startBot(dir.path, { port, tone: { msPerCharacter: MS_PER_CHARACTER } });
    await waitForConnection(overlay, 20_000);
    const d = chat('重启后的新消息');
    for (const event of [a, b, c, d]) expect((await bot.chorus.say(event)).kind).toBe('queued');
    await waitForEvent(overlay, 'ended', d.id, 20_000);

    const events = await overlayEvents(overlay);
    const startedIds = events.filter((e) => e.type === 'started').map((e) => e.jobId);
    expect(startedIds.filter((id) => id === a.id)).toHaveLength(1);
    expect(events.some((e) => e.type === 'duplicate' && e.jobId === a.id)).toBe(true);
    expect(startedIds.slice(-3)).toEqual([b.id, c.id, d.id]);
  });
});
