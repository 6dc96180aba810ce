import { ffmpegDecode } from '../../src/audio/__tests__/signals.ts';

/**
 * Decodes any audio file to mono float samples with Debian's ffmpeg: an estimator independent of Chorus's
 * own decoders, so end-to-end tests do not grade Chorus with its own code.
 */
export function decodeWithFfmpeg(path: string, sampleRate = 16_000): Promise<Float32Array> {
  return ffmpegDecode(path, sampleRate, 1);
}

/** Per 20 ms frame, RMS level in dBFS. */
export function frameLevels(samples: Float32Array, sampleRate: number, frameMs = 20): number[] {
  const size = Math.round((sampleRate * frameMs) / 1000);
  const levels: number[] = [];
  for (let start = 0; start + size <= samples.length; start += size) {
    let sum = 0;
    for (let i = start; i < start + size; i++) sum += (samples[i] ?? 0) ** 2;
    levels.push(10 * Math.log10(sum / size + 1e-12));
  }
  return levels;
}
