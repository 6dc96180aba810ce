import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toneFrequency } from '../../src/synthesis/engines/tone/ToneEngine.ts';
import { goertzelPower } from '../../src/audio/__tests__/signals.ts';
import { decodeWithFfmpeg } from '../support/decodeWithFfmpeg.ts';
import { runChorus } from '../support/runChorus.ts';

const MAIN = 'src/main.ts';

describe('npm start (console gateway)', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-console-'));
    // The tone engine makes each sentence a tone whose pitch encodes its text, so the files can be matched to lines.
    env = { ENGINE: 'tone', DATABASE_PATH: join(dir, 'voices', 'chorus.sqlite'), VOICES_DIR: join(dir, 'voices'), OUT_DIR: join(dir, 'out') };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads each typed line into its own Ogg file, in order, and answers commands', async () => {
    const lines = ['第一条消息', '/voices', '/voice nobody', 'second message', '/queue', '  ', '/nonsense'];
    const run = await runChorus(MAIN, [], env, `${lines.join('\n')}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('To read a Discord server: set DISCORD_TOKEN');
    expect(run.stdout).toContain('No registered voices yet');
    expect(run.stdout).toContain('There is no voice called "nobody"');
    expect(run.stdout).toContain('Unknown command /nonsense');

    const files = (await readdir(join(dir, 'out'))).sort();
    expect(files).toHaveLength(2);
    // File names sort by time; each file's tone must be the one of its own line.
    for (const [index, text] of ['第一条消息', 'second message'].entries()) {
      const samples = await decodeWithFfmpeg(join(dir, 'out', files[index] as string), 16_000);
      expect(samples.length / 16_000).toBeGreaterThan(0.1);
      const expected = goertzelPower(samples, 16_000, toneFrequency(text));
      const other = goertzelPower(samples, 16_000, toneFrequency(index === 0 ? 'second message' : '第一条消息'));
      expect(expected).toBeGreaterThan(other * 10);
    }
  });

  it('registers a voice from the console only after the operator confirms consent', async () => {
    const clip = join(dir, 'clip.wav');
    const made = await runChorus('src/cli/main.ts', ['say', '大家好，我是今天的主播，欢迎来到我的直播间，我们一起聊聊天吧。', '-o', clip], { ...env, ENGINE: 'builtin' });
    expect(made.code).toBe(0);
    const lines = [`/clone bob ${clip} zh 大家好，我是今天的主播`, 'n', `/clone bob ${clip} zh 大家好，我是今天的主播`, 'y', '/voices'];
    const run = await runChorus(MAIN, [], { ...env, ENGINE: 'builtin' }, `${lines.join('\n')}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout.split('Is this your own voice').length - 1).toBe(2);
    expect(run.stdout).toContain('Not registered: cloning a voice needs the speaker’s consent.');
    expect(run.stdout.match(/Registered the voice "bob"/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/\* bob \(zh\)/);
  });

  it('stops with one line naming a wrong variable, and never prints a secret', async () => {
    const run = await runChorus(MAIN, [], { ...env, ENGINE: 'festival' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('Configuration error: ENGINE: expected one of builtin, tone, gpt-sovits, got "festival"');

    const incomplete = await runChorus(MAIN, [], { ...env, ENGINE: 'gpt-sovits', GPT_SOVITS_MODEL_DIR: dir });
    expect(incomplete.code).toBe(1);
    expect(incomplete.stderr).toContain('is incomplete: missing t2s_encoder_fp32.onnx');
    expect(incomplete.stderr).toContain('models/README.md');

    const secret = 'definitely-not-a-valid-token-value';
    const bad = await runChorus(MAIN, [], { ...env, DISCORD_TOKEN: secret });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(bad.stderr).toContain('DISCORD_TOKEN');
    expect(bad.stderr + bad.stdout).not.toContain(secret);
  });
});
