import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../AudioDecodeError.ts';
import { decodeAudio } from '../decodeAudio.ts';
import { ffmpeg } from './signals.ts';

// A long clip must be refused without decoding all of it: a hostile low-bitrate upload within the size cap
// could otherwise expand to gigabytes of samples.
const FORMATS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['wav', ['-c:a', 'pcm_s16le', '-f', 'wav']],
  ['mp3', ['-c:a', 'libmp3lame', '-b:a', '32k', '-f', 'mp3']],
  ['ogg-vorbis', ['-c:a', 'libvorbis', '-f', 'ogg']],
  ['ogg-opus', ['-c:a', 'libopus', '-b:a', '16k', '-f', 'ogg']],
  ['ogg-flac', ['-c:a', 'flac', '-f', 'ogg']],
  ['webm-opus', ['-c:a', 'libopus', '-b:a', '16k', '-f', 'webm']],
  ['flac', ['-c:a', 'flac', '-f', 'flac']],
];

describe('decodeAudio with maxSeconds', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-maxsec-'));
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=40', '-ac', '2', join(dir, 'long.wav')]);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it.each(FORMATS)('%s: refuses a 40 s clip with a 10 s limit, and decodes it whole with a 60 s limit', async (name, args) => {
    const path = join(dir, `${name}.bin`);
    await ffmpeg(['-i', join(dir, 'long.wav'), ...args, path]);
    const bytes = await readFile(path);
    const error = await decodeAudio(bytes, { maxSeconds: 10 }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AudioDecodeError);
    expect((error as AudioDecodeError).code).toBe('too-long');
    const clip = await decodeAudio(bytes, { maxSeconds: 60 });
    expect(Math.abs(clip.samples.length / clip.sampleRate - 40)).toBeLessThan(0.1);
  });

  it('stops early for the streaming formats instead of decoding everything', async () => {
    const path = join(dir, 'stop.mp3');
    await ffmpeg(['-i', join(dir, 'long.wav'), '-c:a', 'libmp3lame', '-b:a', '32k', '-f', 'mp3', path]);
    const error = (await decodeAudio(await readFile(path), { maxSeconds: 5 }).catch((caught: unknown) => caught)) as AudioDecodeError;
    const stoppedAfter = Number(/stopped after ([\d.]+) s/.exec(error.message)?.[1]);
    expect(stoppedAfter).toBeGreaterThan(5);
    expect(stoppedAfter).toBeLessThan(30);
  });
});
