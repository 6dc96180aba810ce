import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../AudioDecodeError.ts';
import { decodeAudio } from '../decodeAudio.ts';
import { ffmpeg } from './signals.ts';

// AAC goes to ffmpeg in its own process (licence reasons, see decodeWithFfmpeg.ts); without ffmpeg the
// uploader must be told what to do, and the other formats must keep working in-process.
describe('decodeAudio without ffmpeg on the PATH', () => {
  let dir: string;
  let m4a: Buffer;
  let mp3: Buffer;
  const savedPath = process.env.PATH;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-noffmpeg-'));
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', '-f', 'ipod', join(dir, 'a.m4a')]);
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', join(dir, 'a.mp3')]);
    m4a = await readFile(join(dir, 'a.m4a'));
    mp3 = await readFile(join(dir, 'a.mp3'));
    process.env.PATH = join(dir, 'empty-bin');
  });
  afterAll(async () => {
    process.env.PATH = savedPath;
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses M4A with a message that says how to fix it', async () => {
    const error = await decodeAudio(m4a).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AudioDecodeError);
    expect((error as AudioDecodeError).code).toBe('unsupported');
    expect((error as AudioDecodeError).message).toContain('apt-get install ffmpeg');
    expect((error as AudioDecodeError).message).toContain('MP3');
  });

  it('still decodes MP3 in-process', async () => {
    const clip = await decodeAudio(mp3);
    expect(clip.samples.length / clip.sampleRate).toBeGreaterThan(0.95);
    expect(clip.samples.length / clip.sampleRate).toBeLessThan(1.1);
  });
});
