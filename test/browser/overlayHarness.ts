import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Chorus } from '../../src/app/Chorus.ts';
import type { ChatEvent } from '../../src/chat/ChatEvent.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { createLogger } from '../../src/log/createLogger.ts';
import { ChorusOverlayControl } from '../../src/app/ChorusOverlayControl.ts';
import { OverlayServer, type OverlayServerOptions } from '../../src/overlay/OverlayServer.ts';
import type { SynthesisEngine } from '../../src/synthesis/SynthesisEngine.ts';
import { ToneEngine, type ToneEngineOptions } from '../../src/synthesis/engines/tone/ToneEngine.ts';

export const TARGET = 'stage';
export const TOKEN = 'test-token-0123456789abcdef';

/**
 * Debian's Chromium, headless, allowed to play audio without a click (as OBS does). Playwright gives every
 * launch its own temporary profile directory (it refuses a --user-data-dir argument), deleted on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-networking',
      '--disable-gpu',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A Chorus on the tone engine with an overlay server in front of it, in this process. */
export interface Bot {
  readonly chorus: Chorus;
  readonly server: OverlayServer;
  /** The tone engine, unless another engine was given. */
  readonly engine: ToneEngine;
  close(): Promise<void>;
}

export async function startBot(
  dir: string,
  options: { port?: number; tone?: ToneEngineOptions; engine?: SynthesisEngine; server?: Partial<OverlayServerOptions> } = {},
): Promise<Bot> {
  const config = loadConfig({ DATABASE_PATH: join(dir, 'voices', 'chorus.sqlite'), VOICES_DIR: join(dir, 'voices'), OUT_DIR: join(dir, 'out'), ENGINE: 'tone' });
  const logger = createLogger({ level: 'silent', format: 'json' });
  const engine = new ToneEngine({ chunkDelayMs: 0, ...options.tone });
  const chorus = await Chorus.start({ config, logger, engine: options.engine ?? engine });
  const server = await OverlayServer.start({
    port: options.port ?? 0,
    token: TOKEN,
    control: new ChorusOverlayControl(chorus, [TARGET]),
    logger,
    defaultTarget: TARGET,
    ...options.server,
  });
  chorus.attachSink(TARGET, server.sink(TARGET));
  return {
    chorus,
    server,
    engine,
    async close() {
      await server.close();
      await chorus.close();
    },
  };
}

let counter = 0;
export function chat(text: string, overrides: Partial<ChatEvent> = {}): ChatEvent {
  counter += 1;
  return {
    id: `job-${process.pid}-${counter}`,
    platform: 'bilibili',
    target: TARGET,
    author: { userId: `viewer-${counter}`, displayName: '小明' },
    text,
    kind: 'chat',
    receivedAt: Date.now(),
    ...overrides,
  };
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

const PROBE = join(import.meta.dirname, 'pageProbe.js');

/** Waits for the overlay script, then taps its audio output with an analyser (see pageProbe.js). */
export async function installMeter(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as OverlayWindow).chorusOverlay !== undefined);
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly refuses injected tags.
  await page.evaluate(await readFile(PROBE, 'utf8'));
}

export interface Meter {
  readonly spans: [number, number][];
  readonly peak: number;
  readonly firstSoundWall: number[];
}

export function readMeter(page: Page): Promise<Meter> {
  return page.evaluate('window.__meter') as Promise<Meter>;
}

export interface OverlayEvent {
  readonly type: string;
  readonly jobId: string | null;
  readonly outcome?: string;
  readonly wall: number;
  readonly audioTime: number;
}

export function overlayEvents(page: Page): Promise<OverlayEvent[]> {
  return page.evaluate('window.chorusOverlay.events.slice()') as Promise<OverlayEvent[]>;
}

/** What the overlay page exposes on `window` (see overlay.js), for the functions run inside the page (self-contained: they are serialised). */
interface OverlayWindow {
  readonly chorusOverlay?: { readonly events: OverlayEvent[]; isConnected(): boolean };
}

export function waitForConnection(page: Page, timeoutMs = 15_000): Promise<unknown> {
  return page.waitForFunction(() => (globalThis as unknown as OverlayWindow).chorusOverlay?.isConnected() === true, undefined, { timeout: timeoutMs, polling: 20 });
}

/** The first overlay event of `type` (for `jobId`, when given), waiting for it. */
export async function waitForEvent(page: Page, type: string, jobId: string | null, timeoutMs = 15_000): Promise<OverlayEvent> {
  const handle = await page.waitForFunction(
    ([wanted, id]) => (globalThis as unknown as OverlayWindow).chorusOverlay?.events.find((e) => e.type === wanted && (id === null || e.jobId === id)),
    [type, jobId] as const,
    { timeout: timeoutMs, polling: 20 },
  );
  return (await handle.jsonValue()) as OverlayEvent;
}
