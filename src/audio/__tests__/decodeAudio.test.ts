import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeAudio } from '../decodeAudio.ts';
import { AudioDecodeError } from '../AudioDecodeError.ts';
import { encodeWav } from '../WavWriter.ts';
import { float32ToInt16 } from '../pcm.ts';
import { dominantFrequency, ffmpeg, goertzelPower, tones } from './signals.ts';

const RATE = 44100;
const SECONDS = 3.5;
const CANDIDATES = [300, 500, 1000, 1500, 2000];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-decode-'));
  // 1 kHz dominant, 300 Hz audible underneath: both must survive every codec.
  const mix = tones(RATE, SECONDS, [[1000, 0.5], [300, 0.2]]);
  await writeFile(join(dir, 'src.wav'), encodeWav(float32ToInt16(mix), RATE));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function expectDecodeError(promise: Promise<unknown>, code: string): Promise<AudioDecodeError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AudioDecodeError);
  expect((error as AudioDecodeError).code).toBe(code);
  return error as AudioDecodeError;
}

const formats: ReadonlyArray<readonly [string, readonly string[], number]> = [
  // [name, ffmpeg output args, allowed duration error in seconds (codec padding)]
  ['wav', ['-c:a', 'pcm_s16le', '-f', 'wav'], 0.001],
  ['mp3', ['-c:a', 'libmp3lame', '-b:a', '96k', '-f', 'mp3'], 0.05],
  ['ogg-vorbis', ['-c:a', 'libvorbis', '-f', 'ogg'], 0.05],
  ['ogg-opus', ['-c:a', 'libopus', '-f', 'ogg'], 0.05],
  ['m4a-aac', ['-c:a', 'aac', '-f', 'ipod'], 0.05],
  ['adts-aac', ['-c:a', 'aac', '-f', 'adts'], 0.05],
  ['webm-opus', ['-c:a', 'libopus', '-f', 'webm'], 0.05],
  ['flac', ['-c:a', 'flac', '-f', 'flac'], 0.001],
];

describe('decodeAudio', () => {
  it.each(formats)('decodes %s to mono with the right duration and spectrum', async (name, args, tolerance) => {
    const path = join(dir, `${name}.bin`);
    await ffmpeg(['-i', join(dir, 'src.wav'), ...args, path]);
    const clip = await decodeAudio(await readFile(path));
    expect(clip.samples).toBeInstanceOf(Float32Array);
    expect(Math.abs(clip.samples.length / clip.sampleRate - SECONDS)).toBeLessThanOrEqual(tolerance);
    const middle = clip.samples.subarray(Math.round(0.5 * clip.sampleRate), Math.round(3 * clip.sampleRate));
    expect(dominantFrequency(middle, clip.sampleRate, CANDIDATES)).toBe(1000);
    // Power ratio 0.5² / 0.2² = 6.25 (8 dB); lossy codecs may shift it a little, not invert it.
    const ratio = goertzelPower(middle, clip.sampleRate, 1000) / goertzelPower(middle, clip.sampleRate, 300);
    expect(ratio).toBeGreaterThan(4);
    expect(ratio).toBeLessThan(10);
  });

  it('averages stereo channels into mono', async () => {
    const left = tones(RATE, 1, [[1000, 0.6]]);
    const right = tones(RATE, 1, [[300, 0.2]]);
    const interleaved = new Float32Array(left.length * 2);
    for (let i = 0; i < left.length; i++) {
      interleaved[2 * i] = left[i]!;
      interleaved[2 * i + 1] = right[i]!;
    }
    const clip = await decodeAudio(encodeWav(float32ToInt16(interleaved), RATE, 2));
    expect(clip.samples.length).toBe(left.length);
    for (const i of [0, 17, 1000, 20000, 44099]) expect(clip.samples[i]!).toBeCloseTo((left[i]! + right[i]!) / 2, 3);
  });

  it("refuses input over maxBytes as 'too-large' before decoding it", async () => {
    // Random bytes that are not audio: only the size check can explain 'too-large'.
    const error = await expectDecodeError(decodeAudio(randomBytes(2048), { maxBytes: 1024 }), 'too-large');
    expect(error.message).toMatch(/limit/);
    await expectDecodeError(decodeAudio(new Uint8Array(20 * 1024 * 1024 + 1)), 'too-large');
  });

  it("says 'not-audio' for random bytes and names the accepted formats", async () => {
    const error = await expectDecodeError(decodeAudio(randomBytes(50_000)), 'not-audio');
    expect(error.message).toMatch(/WAV.*MP3.*OGG/);
  });

  it("says 'corrupt' for a truncated or garbled file with a valid magic number", async () => {
    const wav = await readFile(join(dir, 'src.wav'));
    await expectDecodeError(decodeAudio(wav.subarray(0, 20)), 'corrupt');
    const mp3Path = join(dir, 'garble.mp3');
    await ffmpeg(['-i', join(dir, 'src.wav'), '-c:a', 'libmp3lame', '-f', 'mp3', mp3Path]);
    const mp3 = await readFile(mp3Path);
    const garbled = Buffer.concat([mp3.subarray(0, 10), randomBytes(mp3.length - 10)]);
    garbled[5] = 0; // keep the ID3 header valid: tag size 0 straight into noise
    garbled.fill(0, 6, 10);
    await expectDecodeError(decodeAudio(garbled), 'corrupt');
    await expectDecodeError(decodeAudio(Buffer.from('OggS\0\x02' + '\0'.repeat(30))), 'corrupt');
  });

  it("says 'too-long' when the decoded clip exceeds maxSeconds", async () => {
    const wav = await readFile(join(dir, 'src.wav'));
    const error = await expectDecodeError(decodeAudio(wav, { maxSeconds: 2 }), 'too-long');
    expect(error.message).toMatch(/longer than 2 s/);
    await expect(decodeAudio(wav, { maxSeconds: 4 })).resolves.toMatchObject({ sampleRate: RATE });
  });

  it('keeps the event loop free while decoding', async () => {
    const path = join(dir, 'loop.webm');
    await ffmpeg(['-i', join(dir, 'src.wav'), '-c:a', 'libopus', '-f', 'webm', path]);
    const bytes = await readFile(path);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    await decodeAudio(bytes);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // A decode on the main thread would allow ~0 ticks; in a worker the timer keeps firing throughout.
    expect(ticks).toBeGreaterThan(Math.min(20, elapsed / 10));
  });
});
