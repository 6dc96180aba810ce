import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
export async function decodeWithFfmpeg(bytes: Uint8Array, timeoutMs: number): Promise<FfmpegDecodeResult> {
  // A file, not a pipe: MP4 keeps its index (moov) wherever the encoder put it, often at the end, and
  // ffmpeg can only seek to it in a file. A private temp dir keeps the upload away from other users.
  const dir = await mkdtemp(join(tmpdir(), 'chorus-decode-'));
  try {
    const input = join(dir, 'upload');
    await writeFile(input, bytes, { mode: 0o600 });
    return await runFfmpeg(input, timeoutMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runFfmpeg(input: string, timeoutMs: number): Promise<FfmpegDecodeResult> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-v', 'error', '-nostdin', '-i', input, '-vn', '-ac', '1', '-ar', String(FFMPEG_DECODE_RATE), '-f', 'f32le', 'pipe:1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
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
  });
}
