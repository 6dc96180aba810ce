/** Test-only signal helpers: known signals in, measurable properties out. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const execFileAsync = promisify(execFile);

/** Sum of sines, each `[frequency, amplitude]`. */
export function tones(sampleRate: number, seconds: number, parts: ReadonlyArray<readonly [number, number]>): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++) {
    let value = 0;
    for (const [frequency, amplitude] of parts) value += amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    out[i] = value;
  }
  return out;
}

/** Power of one frequency (Goertzel), normalised so a full-scale sine gives ≈ 0.25. */
export function goertzelPower(samples: Float32Array, sampleRate: number, frequency: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return power / (samples.length * samples.length);
}

/** The candidate frequency with the most energy. */
export function dominantFrequency(samples: Float32Array, sampleRate: number, candidates: readonly number[]): number {
  let best = candidates[0]!;
  let bestPower = -1;
  for (const frequency of candidates) {
    const power = goertzelPower(samples, sampleRate, frequency);
    if (power > bestPower) {
      bestPower = power;
      best = frequency;
    }
  }
  return best;
}

/** SNR of `actual` against `reference` over their common length, in dB. */
export function snrDb(reference: ArrayLike<number>, actual: ArrayLike<number>, from = 0, to = Math.min(reference.length, actual.length)): number {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    signal += reference[i]! ** 2;
    noise += (reference[i]! - actual[i]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** Runs Debian ffmpeg (CI installs it with apt). */
export async function ffmpeg(args: readonly string[]): Promise<Buffer> {
  const { stdout } = await execFileAsync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

/** Decodes any file with ffmpeg to mono float samples at `rate`. */
export async function ffmpegDecode(path: string, rate: number, channels = 1): Promise<Float32Array> {
  const raw = await ffmpeg(['-i', path, '-f', 'f32le', '-ac', String(channels), '-ar', String(rate), 'pipe:1']);
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}
