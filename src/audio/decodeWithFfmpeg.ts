import { spawn } from 'node:child_process';
import type { DecodedClip } from './DecodedClip.ts';

/** ffmpeg's output rate for clips it decodes; the clip conditioner resamples to its own rate afterwards. */
export const FFMPEG_DECODE_RATE = 48_000;

export type FfmpegDecodeResult =
  | { readonly ok: true; readonly clip: DecodedClip }
  | { readonly ok: false; readonly missing: boolean; readonly message: string };

/**
 * Decodes with Debian's ffmpeg in a separate process (mono float at 48 kHz). Chorus uses it only for
 * AAC/M4A: the npm AAC decoder bundles FAAD2 under a licence label ("GPL-2.0") we cannot be sure is
 * compatible with GPL-3.0-or-later, while running ffmpeg as its own program raises no such question.
 */
export function decodeWithFfmpeg(bytes: Uint8Array, timeoutMs: number): Promise<FfmpegDecodeResult> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-v', 'error', '-nostdin', '-i', 'pipe:0', '-vn', '-ac', '1', '-ar', String(FFMPEG_DECODE_RATE), '-f', 'f32le', 'pipe:1'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let errors = '';
    let settled = false;
    const finish = (result: FfmpegDecodeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, missing: false, message: `decoding took longer than ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, missing: error.code === 'ENOENT', message: error.message }));
    child.once('close', (code) => {
      if (code !== 0) {
        finish({ ok: false, missing: false, message: errors.trim().split('\n').pop() ?? `ffmpeg exited with code ${code}` });
        return;
      }
      const all = Buffer.concat(chunks);
      const samples = new Float32Array(all.byteLength / 4);
      new Uint8Array(samples.buffer).set(all.subarray(0, samples.length * 4));
      finish({ ok: true, clip: { samples, sampleRate: FFMPEG_DECODE_RATE } });
    });
    // ffmpeg may stop reading early on garbage; a broken pipe then is expected, not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(bytes);
  });
}
