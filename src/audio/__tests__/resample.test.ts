import { describe, expect, it } from 'vitest';
import { resample } from '../resample.ts';
import { StreamingResampler } from '../StreamingResampler.ts';
import { loadSpeexResampler } from '../speexResamplerModule.ts';
import { float32ToInt16, int16ToFloat32 } from '../pcm.ts';
import { snrDb, tones } from './signals.ts';

describe('resample', () => {
  it('turns a 22050 Hz sine into the same sine at 48000 Hz, aligned and with the exact length', async () => {
    const input = tones(22050, 1.3, [[440, 0.5], [3000, 0.2]]);
    const output = await resample(input, 22050, 48000);
    expect(output.length).toBe(Math.round((input.length * 48000) / 22050));
    const reference = tones(48000, 1.3, [[440, 0.5], [3000, 0.2]]);
    // Ignore the filter's edge effects at both ends; in between the error is far below hearing.
    expect(snrDb(reference, output, 500, output.length - 500)).toBeGreaterThan(60);
  });

  it('removes content above the new Nyquist frequency when downsampling', async () => {
    const output = await resample(tones(48000, 1, [[10000, 0.5]]), 48000, 16000);
    const rms = Math.sqrt(output.subarray(200, -200).reduce((sum, x) => sum + x * x, 0) / (output.length - 400));
    expect(rms).toBeLessThan(0.005);
  });
});

describe('StreamingResampler', () => {
  it('gives the same samples in uneven chunks as in one go (no discontinuity at chunk boundaries)', async () => {
    const input = tones(22050, 2, [[523.25, 0.4], [1200, 0.3]]);
    const whole = await resample(input, 22050, 48000);
    const streaming = await StreamingResampler.create({ fromRate: 22050, toRate: 48000 });
    const pieces: Float32Array[] = [];
    let offset = 0;
    for (const size of [1, 7, 256, 1000, 4410, 333, 2048]) {
      pieces.push(streaming.push(input.subarray(offset, offset + size)));
      offset += size;
    }
    while (offset < input.length) {
      pieces.push(streaming.push(input.subarray(offset, offset + 1777)));
      offset += 1777;
    }
    pieces.push(streaming.flush());
    streaming.close();
    const joined = Float32Array.from(pieces.flatMap((piece) => Array.from(piece)));
    expect(joined.length).toBe(whole.length);
    let maxDifference = 0;
    let maxStep = 0;
    for (let i = 0; i < whole.length; i++) {
      maxDifference = Math.max(maxDifference, Math.abs(joined[i]! - whole[i]!));
      if (i > 0) maxStep = Math.max(maxStep, Math.abs(joined[i]! - joined[i - 1]!));
    }
    expect(maxDifference).toBeLessThan(1e-5);
    // The steepest slope of this signal at 48 kHz is ≈ 0.075 per sample; a click would jump far beyond it.
    expect(maxStep).toBeLessThan(0.1);
  });

  it('resamples Int16 engine chunks to Int16 at 48 kHz', async () => {
    const input = float32ToInt16(tones(22050, 1, [[440, 0.5]]));
    const streaming = await StreamingResampler.create({ fromRate: 22050, toRate: 48000, sampleFormat: 'int16' });
    const first = streaming.push(input.subarray(0, 11025));
    const second = streaming.push(input.subarray(11025));
    const tail = streaming.flush();
    streaming.close();
    expect(first).toBeInstanceOf(Int16Array);
    expect(tail).toBeInstanceOf(Int16Array);
    const output = new Int16Array(first.length + second.length + tail.length);
    output.set(first);
    output.set(second, first.length);
    output.set(tail, first.length + second.length);
    expect(output.length).toBe(48000);
    expect(snrDb(tones(48000, 1, [[440, 0.5]]), int16ToFloat32(output), 300, 47700)).toBeGreaterThan(50);
  });

  it('refuses use after close() and tolerates a second close()', async () => {
    const streaming = await StreamingResampler.create({ fromRate: 24000, toRate: 48000 });
    streaming.push(new Float32Array(100));
    streaming.close();
    streaming.close();
    expect(() => streaming.push(new Float32Array(10))).toThrow(/after close/);
  });

  it('frees its wasm buffers on close() (the heap stops growing)', async () => {
    const speex = await loadSpeexResampler();
    const cycle = async (): Promise<void> => {
      const streaming = await StreamingResampler.create({ fromRate: 22050, toRate: 48000 });
      streaming.push(new Float32Array(22050));
      streaming.flush();
      streaming.close();
    };
    for (let i = 0; i < 5; i++) await cycle();
    const heapBytes = speex.HEAPF32.buffer.byteLength;
    // Each cycle allocates ~300 KB; 100 leaked cycles would force the heap to grow by ~30 MB.
    for (let i = 0; i < 100; i++) await cycle();
    expect(speex.HEAPF32.buffer.byteLength).toBe(heapBytes);
  });
});
