import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { REPO_ROOT } from '../support/runChorus.ts';
import { installMeter, launchChromium, readMeter, tempDir, waitForConnection, waitForEvent } from './overlayHarness.ts';

describe('npm start serves the overlay', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let browser: Browser;

  beforeAll(async () => {
    dir = await tempDir('chorus-start-overlay-');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await dir?.remove();
  });

  it('prints the overlay URL with its token, plays console lines in the page, and never logs the token', async () => {
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
        ENGINE: 'tone',
        OVERLAY_PORT: '0',
        DATABASE_PATH: join(dir.path, 'voices', 'chorus.sqlite'),
        VOICES_DIR: join(dir.path, 'voices'),
        OUT_DIR: join(dir.path, 'out'),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await expect.poll(() => /OBS overlay \(add as a Browser Source\): (\S+)/.exec(stdout)?.[1], { timeout: 20_000 }).toBeTruthy();
      const url = (/OBS overlay \(add as a Browser Source\): (\S+)/.exec(stdout) as RegExpExecArray)[1] as string;
      const token = new URL(url).searchParams.get('token') as string;
      expect(await readFile(join(dir.path, 'voices', 'overlay-token'), 'utf8')).toBe(`${token}\n`);
      expect(stdout).toContain(`/control?token=${token}`);

      const page = await browser.newPage();
      await page.goto(url);
      await installMeter(page);
      await waitForConnection(page);
      child.stdin.write('你好，直播间的朋友们\n');
      const started = await waitForEvent(page, 'started', null, 20_000);
      await waitForEvent(page, 'ended', started.jobId, 20_000);
      expect((await readMeter(page)).peak).toBeGreaterThan(0.05);
      expect(await page.textContent('#subtitle .what')).toBe('你好，直播间的朋友们');
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
    const token = new URL((/OBS overlay \(add as a Browser Source\): (\S+)/.exec(stdout) as RegExpExecArray)[1] as string).searchParams.get('token') as string;
    expect(stderr).toContain('overlay page connected');
    expect(stderr).not.toContain(token);
  });
});
