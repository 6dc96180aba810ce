import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, WavWriter } from '../WavWriter.ts';
import { float32ToInt16, int16ToFloat32 } from '../pcm.ts';
import { execFileAsync, ffmpeg, tones } from './signals.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-wav-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function ffmpegS16(path: string, channels: number): Promise<Int16Array> {
  const raw = await ffmpeg(['-i', path, '-f', 's16le', '-ac', String(channels), 'pipe:1']);
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

describe('encodeWav', () => {
  it('writes stereo 16-bit PCM that ffmpeg reads back bit-exactly', async () => {
    const samples = float32ToInt16(tones(22050, 1, [[440, 0.9]])); // 11025 stereo frames
    samples[0] = -32768;
    samples[1] = 32767;
    const path = join(dir, 'stereo.wav');
    await writeFile(path, encodeWav(samples, 22050, 2));
    const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-show_entries', 'stream=sample_rate,channels,codec_name', '-of', 'json', path]);
    expect(JSON.parse(stdout).streams[0]).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '22050', channels: 2 });
    expect(Array.from(await ffmpegS16(path, 2))).toEqual(Array.from(samples));
  });
});

describe('WavWriter', () => {
  it('streams chunks to a file and patches the header sizes on close()', async () => {
    const path = join(dir, 'streamed.wav');
    const writer = await WavWriter.create(path, 48000);
    const signal = float32ToInt16(tones(48000, 1.01, [[1000, 0.5]]));
    // Fire the writes without awaiting each one: the order must still hold.
    const pending = [];
    for (let offset = 0; offset < signal.length; offset += 4801) pending.push(writer.write(signal.subarray(offset, offset + 4801)));
    await Promise.all(pending);
    await writer.close();
    await writer.close();
    const file = await readFile(path);
    expect(file.length).toBe(44 + signal.length * 2);
    expect(file.readUInt32LE(4)).toBe(36 + signal.length * 2);
    expect(file.readUInt32LE(40)).toBe(signal.length * 2);
    expect(Array.from(await ffmpegS16(path, 1))).toEqual(Array.from(signal));
    await expect(writer.write(new Int16Array(1))).rejects.toThrow(/after close/);
  });
});

describe('pcm conversions', () => {
  it('round-trips Int16 through float exactly and saturates out-of-range floats', () => {
    const all = new Int16Array(65536).map((_, i) => i - 32768);
    expect(Array.from(float32ToInt16(int16ToFloat32(all)))).toEqual(Array.from(all));
    expect(Array.from(float32ToInt16(new Float32Array([1.5, -1.5, 1, -1])))).toEqual([32767, -32768, 32767, -32768]);
  });
});
