import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Chorus } from '../../app/Chorus.ts';
import type { ChatEvent } from '../../chat/ChatEvent.ts';
import { loadConfig } from '../../config/loadConfig.ts';
import { createLogger } from '../../log/createLogger.ts';
import type { UtteranceReport } from '../../playback/UtteranceReport.ts';
import { ToneEngine } from '../../synthesis/engines/tone/ToneEngine.ts';
import { AuthRateLimiter } from '../AuthRateLimiter.ts';
import { ChorusOverlayControl } from '../../app/ChorusOverlayControl.ts';
import { OverlayListenError, OverlayServer } from '../OverlayServer.ts';
import { loadOrCreateOverlayToken, OverlayTokenFileError } from '../OverlayToken.ts';

const TOKEN = 'unit-test-token-0123456789';
const TARGET = 'stage';
const logger = createLogger({ level: 'silent', format: 'json' });

let counter = 0;
function chat(text: string, userId = 'viewer'): ChatEvent {
  counter += 1;
  return { id: `m-${counter}`, platform: 'bilibili', target: TARGET, author: { userId, displayName: `观众${userId}` }, text, kind: 'chat', receivedAt: Date.now() };
}

/** One utterance's report, once the player is done with it. */
function ended(chorus: Chorus, jobId: string): Promise<UtteranceReport> {
  return new Promise((resolve) => {
    const listener = (report: UtteranceReport): void => {
      if (report.utterance.jobId !== jobId) return;
      chorus.player(TARGET).off('utteranceEnd', listener);
      resolve(report);
    };
    chorus.player(TARGET).on('utteranceEnd', listener);
  });
}

describe('OverlayServer', () => {
  let dir: string;
  let chorus: Chorus;
  let server: OverlayServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-overlay-server-'));
    const config = loadConfig({ DATABASE_PATH: join(dir, 'chorus.sqlite'), VOICES_DIR: join(dir, 'voices'), OUT_DIR: join(dir, 'out'), ENGINE: 'tone' });
    // 100 ms of tone per character: a 20-character message is two seconds of audio.
    chorus = await Chorus.start({ config, logger, engine: new ToneEngine({ msPerCharacter: 100, chunkDelayMs: 0 }) });
    server = await OverlayServer.start({
      port: 0,
      token: TOKEN,
      logger,
      defaultTarget: TARGET,
      control: new ChorusOverlayControl(chorus, [TARGET]),
      rateLimiter: new AuthRateLimiter({ maxFailures: 3 }),
      sink: { reportTimeoutMs: 300 },
    });
    chorus.attachSink(TARGET, server.sink(TARGET));
  });

  afterAll(async () => {
    await server.close();
    await chorus.close();
    await rm(dir, { recursive: true, force: true });
  });

  const api = (path: string, body?: unknown, token = TOKEN): Promise<Response> =>
    fetch(`${server.origin}/api/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('serves the pages with the token only, under a strict content policy', async () => {
    const overlay = await fetch(`${server.origin}/overlay?token=${TOKEN}`);
    expect(overlay.status).toBe(200);
    expect(overlay.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(overlay.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await overlay.text()).toContain('/assets/overlay.js');
    expect((await fetch(`${server.origin}/assets/overlay.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${server.origin}/assets/../OverlayServer.ts`)).status).toBe(404);
  });

  it('mutes a viewer from the API: their queued and later messages are not read, until unmuted', async () => {
    // Paused, so both messages are still waiting (or held) when the mute comes.
    expect((await api('pause', { target: TARGET, paused: true })).status).toBe(200);
    const first = chat('静音之前的第一条消息', 'noisy');
    const queued = chat('静音之前排队的消息', 'noisy');
    const other = chat('别人的消息', 'calm');
    for (const event of [first, queued, other]) expect((await chorus.say(event)).kind).toBe('queued');
    const state = (await (await api('state')).json()) as { targets: { player: { paused: boolean; queue: { entries: { jobId: string }[] } } }[] };
    expect(state.targets[0]?.player.paused).toBe(true);
    expect(state.targets[0]?.player.queue.entries.map((entry) => entry.jobId)).toContain(queued.id);

    const muted = (await (await api('mute', { platform: 'bilibili', userId: 'noisy', displayName: '吵闹的人' })).json()) as { dropped: number };
    expect(muted.dropped).toBe(2);
    expect(chorus.player(TARGET).snapshot().queue.entries.map((entry) => entry.jobId)).toEqual([other.id]);
    const otherEnded = ended(chorus, other.id);
    expect((await api('pause', { target: TARGET, paused: false })).status).toBe(200);
    expect((await otherEnded).outcome).toBe('finished');
    const later = await chorus.say(chat('静音之后的消息', 'noisy'));
    expect(later).toMatchObject({ kind: 'dropped', reason: 'muted' });
    const listed = (await (await api('state')).json()) as { mutes: { displayName: string }[]; drops: Record<string, number> };
    expect(listed.mutes.map((viewer) => viewer.displayName)).toEqual(['吵闹的人']);
    expect(listed.drops.muted).toBe(1);

    expect(((await (await api('unmute', { platform: 'bilibili', userId: 'noisy' })).json()) as { unmuted: boolean }).unmuted).toBe(true);
    const back = chat('解除静音', 'noisy');
    const backEnded = ended(chorus, back.id);
    expect((await chorus.say(back)).kind).toBe('queued');
    await backEnded;
  });

  it('speaks a "try this voice" text on the default target', async () => {
    const spoken = new Promise<UtteranceReport>((resolve) => chorus.player(TARGET).once('utteranceEnd', resolve));
    const response = (await (await api('try', { voiceId: 'default', text: '试一试这个声音' })).json()) as { queued: boolean };
    expect(response.queued).toBe(true);
    const report = await spoken;
    expect(report.utterance).toMatchObject({ displayText: '试一试这个声音', voiceId: 'default', target: TARGET });
    const voices = (await (await api('voices')).json()) as { voices: { id: string }[] };
    expect(voices.voices.map((voice) => voice.id)).toContain('default');
  });

  it('answers bad control requests with a clear 4xx, changing nothing', async () => {
    const wrongPlatform = await api('mute', { platform: 'myspace', userId: 'x', displayName: 'x' });
    expect(wrongPlatform.status).toBe(400);
    expect(((await wrongPlatform.json()) as { error: string }).error).toContain('"platform" must be one of');
    const notJson = await fetch(`${server.origin}/api/skip`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: 'target=stage' });
    expect(notJson.status).toBe(415);
    expect((await api('pause', { target: TARGET, paused: 'yes' })).status).toBe(400);
    expect((await api('try', { voiceId: 'no-such-voice', text: '你好' })).status).toBe(400);
    expect(chorus.mutes.list()).toEqual([]);
    expect(chorus.player(TARGET).snapshot().paused).toBe(false);
  });

  it('does not hold playback up without a page, and lets go of a page that stops answering', async () => {
    // No page: two seconds of audio go through in far less.
    const alone = chat('没有页面的时候不应该等待播放完毕啊');
    const aloneEnded = ended(chorus, alone.id);
    const startedAt = Date.now();
    await chorus.say(alone);
    expect((await aloneEnded).outcome).toBe('finished');
    expect(Date.now() - startedAt).toBeLessThan(1500);

    // A page that connects and never reports is dropped from the pacing after reportTimeoutMs (300 ms).
    const mute = new WebSocket(`${server.origin.replace('http', 'ws')}/ws?token=${TOKEN}`);
    await new Promise((resolve) => mute.once('message', resolve));
    const silent = chat('页面不回答的时候也不应该一直等下去呀');
    const silentEnded = ended(chorus, silent.id);
    const silentAt = Date.now();
    await chorus.say(silent);
    expect((await silentEnded).outcome).toBe('finished');
    expect(Date.now() - silentAt).toBeLessThan(1500);
    mute.close();
  });

  it('paces the queue by the page: an utterance ends when the page reports it played out', async () => {
    const page = new WebSocket(`${server.origin.replace('http', 'ws')}/ws?token=${TOKEN}`);
    const received: string[] = [];
    let endAt = 0;
    page.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(String(data)) as { type: string; jobId?: string };
      received.push(message.type);
      if (message.type === 'begin') page.send(JSON.stringify({ type: 'started', jobId: message.jobId }));
      if (message.type === 'end') {
        endAt = Date.now();
        // Plays out for another 800 ms, sending heartbeats, then reports.
        const beat = setInterval(() => page.send(JSON.stringify({ type: 'progress', jobId: message.jobId, playedMs: 100 })), 100);
        setTimeout(() => {
          clearInterval(beat);
          page.send(JSON.stringify({ type: 'ended', jobId: message.jobId, outcome: 'finished' }));
        }, 800);
      }
    });
    await new Promise((resolve) => page.once('open', resolve));
    const event = chat('短消息');
    const done = ended(chorus, event.id);
    await chorus.say(event);
    await done;
    expect(received).toEqual(['hello', 'begin', 'end']);
    expect(Date.now() - endAt).toBeGreaterThanOrEqual(750);
    page.close();
  });

  it('refuses wrong tokens with 401, then everyone from that address with 429', async () => {
    const wsStatus = (token: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/ws?token=${token}`);
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => reject(new Error('opened')));
        socket.on('error', () => undefined);
      });
    expect((await fetch(`${server.origin}/control?token=guess-1`)).status).toBe(401);
    expect((await api('state', undefined, 'guess-2')).status).toBe(401);
    expect(await wsStatus('guess-3')).toBe(401);
    const blocked = await fetch(`${server.origin}/control?token=${TOKEN}`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await wsStatus(TOKEN)).toBe(429);
  });
});

describe('overlay token and port', () => {
  it('makes a token once, keeps it private on disk, and prefers OVERLAY_TOKEN', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-overlay-token-'));
    try {
      const path = join(dir, 'state', 'overlay-token');
      const made = await loadOrCreateOverlayToken(undefined, path);
      expect(made).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await loadOrCreateOverlayToken(undefined, path)).toBe(made);
      expect(await loadOrCreateOverlayToken('configured-token-1234567', path)).toBe('configured-token-1234567');
      expect((await readFile(path, 'utf8')).trim()).toBe(made);
      await writeFile(path, 'not a token!\n');
      await expect(loadOrCreateOverlayToken(undefined, path)).rejects.toBeInstanceOf(OverlayTokenFileError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says which variable to change when the port is taken', async () => {
    const control = { state: () => ({ targets: [], mutes: [], drops: {} }) } as unknown as ChorusOverlayControl;
    const first = await OverlayServer.start({ port: 0, token: TOKEN, logger, defaultTarget: TARGET, control });
    try {
      const error = await OverlayServer.start({ port: first.port, token: TOKEN, logger, defaultTarget: TARGET, control }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OverlayListenError);
      expect((error as Error).message).toContain('OVERLAY_PORT');
    } finally {
      await first.close();
    }
  });
});
