import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWithFfmpeg, frameLevels } from '../support/decodeWithFfmpeg.ts';
import { runChorus } from '../support/runChorus.ts';

const execFileAsync = promisify(execFile);
const CLI = 'src/cli/main.ts';
const RATE = 16_000;

/** Syllable nuclei: local maxima of the smoothed frame level at least 6 dB above the lowest point since the previous one. */
export function countSyllablePeaks(levels: readonly number[]): number {
  const smooth = levels.map((_, i) => {
    const window = levels.slice(Math.max(0, i - 2), i + 3);
    return window.reduce((a, b) => a + b, 0) / window.length;
  });
  let peaks = 0;
  let lowest = Infinity;
  for (let i = 1; i < smooth.length - 1; i++) {
    const level = smooth[i] as number;
    lowest = Math.min(lowest, level);
    const isPeak = level > (smooth[i - 1] as number) && level >= (smooth[i + 1] as number);
    if (isPeak && level - lowest >= 6) {
      peaks++;
      lowest = level;
    }
  }
  return peaks;
}

describe('end to end: clone a voice, then say something with it', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-e2e-'));
    env = { DATABASE_PATH: join(dir, 'voices', 'chorus.sqlite'), VOICES_DIR: join(dir, 'voices'), OUT_DIR: join(dir, 'out') };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('registers a voice from an m4a clip and speaks a Chinese message into an Ogg file of plausible length', async () => {
    // A reference recording: the stock voice reading a sentence, re-encoded as AAC like a phone upload.
    const referenceWav = join(dir, 'reference.wav');
    const said = await runChorus(CLI, ['say', '大家好，我是今天的主播。欢迎来到我的直播间，我们一起聊聊天吧。', '-o', referenceWav], env);
    expect(said.stderr).toBe('');
    expect(said.code).toBe(0);
    const referenceM4a = join(dir, 'reference.m4a');
    await execFileAsync('ffmpeg', ['-v', 'error', '-i', referenceWav, '-c:a', 'aac', '-b:a', '96k', referenceM4a]);

    const transcript = '大家好，我是今天的主播。欢迎来到我的直播间，我们一起聊聊天吧。';
    // Without --yes (consent) nothing is registered.
    const refused = await runChorus(CLI, ['clone', 'alice', referenceM4a, '--transcript', transcript, '--lang', 'zh'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect((await runChorus(CLI, ['voices'], env)).stdout).toContain('No voices registered yet');

    const cloned = await runChorus(CLI, ['clone', 'alice', referenceM4a, '--transcript', transcript, '--lang', 'zh', '--yes'], env);
    expect(cloned.stderr).toBe('');
    expect(cloned.code).toBe(0);
    expect(cloned.stdout).toContain('Registered the voice "alice"');
    expect(cloned.stdout).toMatch(/\d+\.\d s of speech/);

    const listed = await runChorus(CLI, ['voices'], env);
    expect(listed.stdout).toMatch(/^alice\tzh\t/m);

    const text = '主播晚上好，今天是2024年3月5日，我刚充了99.9元。';
    // 主播晚上好 (5) 今天是 (3) 二零二四年三月五日 (9) 我刚充了 (4) 九十九点九元 (6) = 27 syllables
    const syllables = 27;
    const outOgg = join(dir, 'hello.ogg');
    const spoken = await runChorus(CLI, ['say', text, '--voice', 'alice', '-o', outOgg], env);
    expect(spoken.stderr).toBe('');
    expect(spoken.code).toBe(0);
    expect(existsSync(outOgg)).toBe(true);

    const { stdout: probe } = await execFileAsync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate', '-of', 'csv=p=0', outOgg]);
    expect(probe.trim()).toBe('opus,48000');

    const samples = await decodeWithFfmpeg(outOgg, RATE);
    const seconds = samples.length / RATE;
    expect(seconds).toBeGreaterThan(syllables * 0.12);
    expect(seconds).toBeLessThan(syllables * 0.6);

    const levels = frameLevels(samples, RATE);
    const loudest = Math.max(...levels);
    expect(loudest).toBeGreaterThan(-30);
    const active = levels.filter((level) => level > loudest - 35).length / levels.length;
    expect(active).toBeGreaterThan(0.4);
    expect(active).toBeLessThan(0.99);
    // Speech rises and falls syllable by syllable; a tone or noise would not.
    const peaks = countSyllablePeaks(levels);
    expect(peaks).toBeGreaterThan(syllables * 0.3);
    expect(peaks).toBeLessThan(syllables * 2);
  });

  it('deletes the voice and its files', async () => {
    const voicesBefore = (await readdir(join(dir, 'voices'), { withFileTypes: true })).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
    expect(voicesBefore).toHaveLength(1);
    const removed = await runChorus(CLI, ['voice', 'rm', 'alice'], env);
    expect(removed.code).toBe(0);
    const voicesAfter = (await readdir(join(dir, 'voices'), { withFileTypes: true })).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
    expect(voicesAfter).toHaveLength(0);
    const spoken = await runChorus(CLI, ['say', 'hi', '--voice', 'alice', '-o', join(dir, 'x.ogg')], env);
    expect(spoken.code).toBe(1);
    expect(spoken.stderr).toContain('no voice called "alice"');
  });
});
