import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import prism from 'prism-media';
import discordOpus from '@discordjs/opus';
import { OpusFrameEncoder, OPUS_FRAME_SAMPLES, OPUS_PRE_SKIP, type OpusFrame } from '../OpusFrameEncoder.ts';
import { OggOpusWriter, oggCrc32 } from '../OggOpusWriter.ts';
import { encodeWav } from '../WavWriter.ts';
import { float32ToInt16, int16ToFloat32 } from '../pcm.ts';
import { execFileAsync, ffmpeg, ffmpegDecode, snrDb, tones } from './signals.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-opus-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

interface OggPage {
  readonly flags: number;
  readonly granule: bigint;
  readonly sequence: number;
  readonly crc: number;
  readonly bytes: Buffer;
}

/** Independent reader used to inspect what the writer produced (and what ffmpeg produced). */
function readPages(file: Buffer): OggPage[] {
  const pages: OggPage[] = [];
  let offset = 0;
  while (offset < file.length) {
    expect(file.toString('ascii', offset, offset + 4)).toBe('OggS');
    const segments = file[offset + 26]!;
    let body = 0;
    for (let i = 0; i < segments; i++) body += file[offset + 27 + i]!;
    const length = 27 + segments + body;
    pages.push({
      flags: file[offset + 5]!,
      granule: file.readBigUInt64LE(offset + 6),
      sequence: file.readUInt32LE(offset + 18),
      crc: file.readUInt32LE(offset + 22),
      bytes: file.subarray(offset, offset + length),
    });
    offset += length;
  }
  return pages;
}

function crcOfPage(page: Buffer): number {
  const copy = Buffer.from(page);
  copy.writeUInt32LE(0, 22);
  return oggCrc32(copy);
}

const SAMPLES = 59_237; // 1.234 s at 48 kHz: not a whole number of 20 ms frames
const signal = float32ToInt16(tones(48000, SAMPLES / 48000, [[440, 0.3], [1000, 0.25]]));

function encodeInUnevenChunks(encoder: OpusFrameEncoder): OpusFrame[] {
  const frames: OpusFrame[] = [];
  let offset = 0;
  const sizes = [1, 959, 960, 961, 5000, 123];
  for (let i = 0; offset < signal.length; i++) {
    const size = sizes[i % sizes.length]!;
    frames.push(...encoder.push(signal.subarray(offset, offset + size)));
    offset += size;
  }
  frames.push(...encoder.end());
  return frames;
}

describe('OpusFrameEncoder', () => {
  it('cuts any chunking into 20 ms frames, pads the end and flushes the lookahead', () => {
    const encoder = new OpusFrameEncoder({ channels: 2 });
    const frames = encodeInUnevenChunks(encoder);
    expect(frames.length).toBe(Math.ceil((SAMPLES + OPUS_PRE_SKIP) / OPUS_FRAME_SAMPLES));
    expect(encoder.inputSamples).toBe(SAMPLES);
    const pcm = new Int16Array(frames.length * OPUS_FRAME_SAMPLES);
    frames.forEach((frame, index) => {
      expect(frame.pcm.length).toBe(OPUS_FRAME_SAMPLES);
      expect(frame.opus.length).toBeGreaterThan(0);
      pcm.set(frame.pcm, index * OPUS_FRAME_SAMPLES);
    });
    expect(Array.from(pcm.subarray(0, SAMPLES))).toEqual(Array.from(signal));
    expect(pcm.subarray(SAMPLES).every((sample) => sample === 0)).toBe(true);
    expect(encoder.end()).toEqual([]);
    expect(() => encoder.push(new Int16Array(10))).toThrow(/after end/);
  });

  it('upmixes mono into identical stereo channels', () => {
    const encoder = new OpusFrameEncoder({ channels: 2 });
    const frames = [...encoder.push(signal.subarray(0, 48_000)), ...encoder.end()];
    const decoder = new discordOpus.OpusEncoder(48000, 2);
    const stereo = Buffer.concat(frames.map((frame) => decoder.decode(frame.opus)));
    const left = new Float32Array(stereo.length / 4);
    const right = new Float32Array(stereo.length / 4);
    for (let i = 0; i < left.length; i++) {
      left[i] = stereo.readInt16LE(i * 4) / 32768;
      right[i] = stereo.readInt16LE(i * 4 + 2) / 32768;
    }
    expect(snrDb(left, right, 1000, left.length - 1000)).toBeGreaterThan(30);
  });
});

describe('OggOpusWriter', () => {
  it.each([1, 2] as const)('round-trips %i-channel Opus through Ogg for ffmpeg and prism-media, exact to the sample', async (channels) => {
    const encoder = new OpusFrameEncoder({ channels, bitrate: 64_000 });
    const frames = encodeInUnevenChunks(encoder);
    const output = new PassThrough();
    const streamed: Buffer[] = [];
    output.on('data', (chunk: Buffer) => streamed.push(chunk));
    const writer = new OggOpusWriter({ channels, output });
    const pages: Buffer[] = [];
    for (const frame of frames) pages.push(...writer.writePacket(frame.opus));
    pages.push(...writer.end(encoder.inputSamples));
    const file = Buffer.concat(pages);
    expect(Buffer.concat(streamed)).toEqual(file);
    const path = join(dir, `round-trip-${channels}.opus`);
    await writeFile(path, file);

    // ffprobe sees a proper Opus stream.
    const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,channels,sample_rate', '-of', 'json', path]);
    expect(JSON.parse(stdout).streams[0]).toMatchObject({ codec_name: 'opus', channels, sample_rate: '48000' });

    // ffmpeg honours pre-skip and the end-trimming granule: exactly the input length, sample-aligned.
    // (Decoded per channel: ffmpeg's own stereo→mono downmix scales by √2, which is not what is under test.)
    const interleaved = await ffmpegDecode(path, 48000, channels);
    const viaFfmpeg = interleaved.filter((_, index) => index % channels === 0);
    expect(viaFfmpeg.length).toBe(SAMPLES);
    const reference = int16ToFloat32(signal);
    expect(snrDb(reference, viaFfmpeg, 0, SAMPLES)).toBeGreaterThan(15);

    // prism-media's demuxer yields exactly our packets; decoding them and dropping pre-skip lines up too.
    const packets: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const demuxer = new prism.opus.OggDemuxer();
      demuxer.on('data', (packet: Buffer) => packets.push(packet));
      demuxer.on('end', resolve);
      demuxer.on('error', reject);
      Readable.from([file]).pipe(demuxer);
    });
    expect(packets.length).toBe(frames.length);
    packets.forEach((packet, index) => expect(packet.equals(frames[index]!.opus)).toBe(true));
    const decoder = new discordOpus.OpusEncoder(48000, channels);
    const decoded = Buffer.concat(packets.map((packet) => decoder.decode(packet)));
    const firstChannel = new Float32Array(decoded.length / (2 * channels));
    for (let i = 0; i < firstChannel.length; i++) firstChannel[i] = decoded.readInt16LE(i * 2 * channels) / 32768;
    const aligned = firstChannel.subarray(OPUS_PRE_SKIP, OPUS_PRE_SKIP + SAMPLES);
    expect(aligned.length).toBe(SAMPLES);
    expect(snrDb(reference, aligned)).toBeGreaterThan(15);
    // Without the pre-skip the phases would not match: this proves the offset is the real encoder delay.
    expect(snrDb(reference, firstChannel.subarray(0, SAMPLES))).toBeLessThan(3);
  });

  it('writes valid pages: BOS/EOS flags, sequence numbers, CRCs, rising granules, ~1 s per page', () => {
    const writer = new OggOpusWriter({ channels: 2, serial: 0x1234 });
    const encoder = new OpusFrameEncoder();
    const frames = [...encoder.push(float32ToInt16(tones(48000, 3.3, [[300, 0.3]]))), ...encoder.end()];
    const file = Buffer.concat([...frames.flatMap((frame) => writer.writePacket(frame.opus)), ...writer.end(encoder.inputSamples)]);
    const pages = readPages(file);
    expect(pages[0]!.bytes.subarray(28, 36).toString('ascii')).toBe('OpusHead');
    expect(pages[1]!.bytes.subarray(28, 36).toString('ascii')).toBe('OpusTags');
    expect(pages.length).toBe(2 + Math.ceil(frames.length / 50));
    pages.forEach((page, index) => {
      expect(page.sequence).toBe(index);
      expect(page.crc).toBe(crcOfPage(page.bytes));
      expect(page.flags).toBe(index === 0 ? 0x02 : index === pages.length - 1 ? 0x04 : 0);
      expect(page.bytes.readUInt32LE(14)).toBe(0x1234);
    });
    expect(pages[2]!.granule).toBe(50n * 960n);
    for (let i = 3; i < pages.length; i++) expect(pages[i]!.granule >= pages[i - 1]!.granule).toBe(true);
    expect(pages.at(-1)!.granule).toBe(BigInt(OPUS_PRE_SKIP + encoder.inputSamples));
  });

  it('computes the same CRC-32 as ffmpeg stores in its own Ogg pages', async () => {
    const wavPath = join(dir, 'crc.wav');
    await writeFile(wavPath, encodeWav(float32ToInt16(tones(48000, 1, [[440, 0.4]])), 48000));
    const oggPath = join(dir, 'crc.ogg');
    await ffmpeg(['-i', wavPath, '-c:a', 'libopus', '-f', 'ogg', oggPath]);
    const pages = readPages(await readFile(oggPath));
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(crcOfPage(page.bytes)).toBe(page.crc);
  });

  it('flushPage() emits a short page for live streaming', () => {
    const writer = new OggOpusWriter({ channels: 1 });
    const encoder = new OpusFrameEncoder({ channels: 1 });
    const frames = encoder.push(new Int16Array(960 * 3));
    expect(frames.flatMap((frame) => writer.writePacket(frame.opus)).length).toBe(2); // just the headers
    const flushed = writer.flushPage();
    expect(flushed.length).toBe(1);
    expect(readPages(flushed[0]!)[0]!.granule).toBe(3n * 960n);
    expect(writer.flushPage()).toEqual([]);
  });
});
