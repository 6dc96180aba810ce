import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpusFrameEncoder } from '../../audio/OpusFrameEncoder.ts';
import { decodeWithFfmpeg } from '../../../test/support/decodeWithFfmpeg.ts';
import { OggSegmenter } from '../OggSegmenter.ts';
import { OggOpusWriter } from '../../audio/OggOpusWriter.ts';
import { concatSamples } from '../../audio/pcm.ts';

const RATE = 48_000;

function sine(seconds: number, frequency: number): Int16Array {
  const samples = new Int16Array(Math.round(seconds * RATE));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(0.4 * 32767 * Math.sin((2 * Math.PI * frequency * i) / RATE));
  return samples;
}

describe('OggSegmenter', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'chorus-segments-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('cuts packets into growing, self-contained Ogg files that decode back to back without a seam', async () => {
    const input = sine(2.5, 440);
    const encoder = new OpusFrameEncoder({ channels: 2 });
    const packets = [...encoder.push(input), ...encoder.end()].map((frame) => frame.opus);
    const segmenter = new OggSegmenter({ channels: 2 });
    const segments = packets.map((packet) => segmenter.push(packet)).filter((segment) => segment !== undefined);
    const last = segmenter.flush();
    if (last !== undefined) segments.push(last);
    expect(segments.slice(0, 4).map((segment) => segment.audioMs)).toEqual([100, 300, 500, 1000]);
    expect(segments.reduce((sum, segment) => sum + segment.audioMs, 0)).toBe(packets.length * 20);

    const firstLength = 4800 - 312;
    // Each file decoded on its own (a fresh decoder each time, as decodeAudioData does), then joined.
    const parts: Float32Array[] = [];
    for (const segment of segments) {
      const path = join(dir, `segment-${segment.index}.ogg`);
      await writeFile(path, segment.bytes);
      parts.push(await decodeWithFfmpeg(path, RATE));
    }
    const joined = concatSamples(Float32Array, parts);
    // The reference: the same packets as one continuous Ogg stream, through one decoder.
    const whole = new OggOpusWriter({ channels: 2 });
    const wholePath = join(dir, 'whole.ogg');
    await writeFile(wholePath, Buffer.concat([...packets.flatMap((packet) => whole.writePacket(packet)), ...whole.end()]));
    const reference = await decodeWithFfmpeg(wholePath, RATE);

    // Priming and pre-skip make the pieces add up exactly: nothing repeated or missing at the joins…
    expect(joined.length).toBe(reference.length);
    // …and the decoder, warmed up on the priming packets, continues where the previous file ended.
    let worst = 0;
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs((joined[i] as number) - (reference[i] as number)));
    expect(worst).toBeLessThan(0.005);
    // Without priming, every join restarts a cold decoder: the check above is not a formality.
    const cold = new OggSegmenter({ channels: 2, primingPackets: 0 });
    const coldSegments = packets.map((packet) => cold.push(packet)).filter((segment) => segment !== undefined);
    const coldPath = join(dir, 'cold-1.ogg');
    await writeFile(coldPath, (coldSegments[1] as { bytes: Buffer }).bytes);
    const coldPart = await decodeWithFfmpeg(coldPath, RATE);
    let coldWorst = 0;
    for (let i = 0; i < coldPart.length; i++) coldWorst = Math.max(coldWorst, Math.abs((coldPart[i] as number) - (reference[firstLength + i] as number)));
    expect(coldWorst).toBeGreaterThan(0.1);
  });
});
