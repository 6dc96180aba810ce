import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sniffAudioFormat, type AudioContainer } from '../sniffAudioFormat.ts';
import { encodeWav } from '../WavWriter.ts';
import { float32ToInt16 } from '../pcm.ts';
import { ffmpeg, tones } from './signals.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-sniff-'));
  await writeFile(join(dir, 'src.wav'), encodeWav(float32ToInt16(tones(44100, 0.5, [[440, 0.5]])), 44100));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

// The output names deliberately use a misleading extension where ffmpeg allows forcing the muxer with -f.
const cases: ReadonlyArray<readonly [AudioContainer, readonly string[]]> = [
  ['mp3', ['-c:a', 'libmp3lame', '-f', 'mp3']],
  ['mp3', ['-c:a', 'libmp3lame', '-id3v2_version', '0', '-write_xing', '0', '-f', 'mp3']],
  ['ogg', ['-c:a', 'libvorbis', '-f', 'ogg']],
  ['ogg', ['-c:a', 'libopus', '-f', 'ogg']],
  ['ogg', ['-c:a', 'flac', '-f', 'ogg']],
  ['mp4', ['-c:a', 'aac', '-f', 'ipod']],
  ['aac', ['-c:a', 'aac', '-f', 'adts']],
  ['webm', ['-c:a', 'libopus', '-f', 'webm']],
  ['webm', ['-c:a', 'libvorbis', '-f', 'matroska']],
  ['flac', ['-c:a', 'flac', '-f', 'flac']],
  ['wav', ['-c:a', 'pcm_s16le', '-rf64', 'always', '-f', 'wav']],
];

describe('sniffAudioFormat', () => {
  it.each(cases)('recognises %s made by ffmpeg %j', async (expected, args) => {
    const out = join(dir, `out-${expected}-${args.join('_').replace(/[^a-z0-9]/gi, '')}.bin`);
    await ffmpeg(['-i', join(dir, 'src.wav'), ...args, out]);
    expect(sniffAudioFormat(await readFile(out))).toBe(expected);
  });

  it('recognises RIFF WAVE from our own writer', () => {
    expect(sniffAudioFormat(encodeWav(new Int16Array(10), 8000))).toBe('wav');
  });

  it('sees FLAC behind an ID3 tag', () => {
    const tag = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5]);
    expect(sniffAudioFormat(Buffer.concat([tag, Buffer.from('fLaC\0\0\0\x22')]))).toBe('flac');
  });

  it('rejects random bytes, text and too-short input', () => {
    // 2000 different random buffers: a lone 0xFF sync byte must not be enough to call it MP3.
    for (let i = 0; i < 2000; i++) expect(sniffAudioFormat(randomBytes(4096))).toBeNull();
    expect(sniffAudioFormat(Buffer.from('<html><body>not audio</body></html>'))).toBeNull();
    expect(sniffAudioFormat(new Uint8Array(0))).toBeNull();
    expect(sniffAudioFormat(Buffer.from('RIFF\0\0\0\0AVI LIST'))).toBeNull();
  });
});
