import { Worker } from 'node:worker_threads';
import type { DecodedClip } from './DecodedClip.ts';
import { AudioDecodeError } from './AudioDecodeError.ts';
import { decodeWithFfmpeg } from './decodeWithFfmpeg.ts';
import { ACCEPTED_AUDIO_FORMATS, sniffAudioFormat } from './sniffAudioFormat.ts';
import type { DecodeWorkerRequest, DecodeWorkerResponse } from './decodeWorker.ts';

export interface DecodeAudioOptions {
  /** Refuse inputs larger than this before any decoding. Default 20 MiB. */
  readonly maxBytes?: number;
  /** Refuse clips whose decoded duration exceeds this many seconds. No limit by default. */
  readonly maxSeconds?: number;
  /** A decode that takes longer than this is treated as corrupt input and its worker is terminated. Default 30 s. */
  readonly timeoutMs?: number;
}

export const DEFAULT_MAX_DECODE_BYTES = 20 * 1024 * 1024;
const DEFAULT_DECODE_TIMEOUT_MS = 30_000;

/**
 * Decodes an uploaded audio file (WAV, MP3, OGG Vorbis/Opus/FLAC, M4A/AAC, WebM/MKV, FLAC) to mono float
 * samples. Channels are averaged. Decoding runs in a worker thread with the pure-wasm `audio-decode`
 * decoders, so no system ffmpeg is needed and the event loop stays free — except AAC/M4A, which goes to
 * ffmpeg in its own process (see decodeWithFfmpeg.ts for why).
 */
export async function decodeAudio(bytes: Uint8Array, options: DecodeAudioOptions = {}): Promise<DecodedClip> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECODE_BYTES;
  if (bytes.byteLength > maxBytes) {
    throw new AudioDecodeError(
      'too-large',
      `The audio file is ${formatMiB(bytes.byteLength)}; the limit is ${formatMiB(maxBytes)}. Send a shorter clip or a compressed format such as MP3 or OGG.`,
    );
  }
  const container = sniffAudioFormat(bytes);
  if (container === null) {
    throw new AudioDecodeError('not-audio', `This file is not a recognised audio format. Accepted formats: ${ACCEPTED_AUDIO_FORMATS}.`);
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS;
  const response =
    container === 'mp4' || container === 'aac'
      ? await decodeAacWithFfmpeg(bytes, timeoutMs)
      : await decodeInWorker({ bytes, container, ...(options.maxSeconds === undefined ? {} : { maxSeconds: options.maxSeconds }) }, timeoutMs);
  if (!response.ok && response.tooLongAfterSeconds !== undefined && options.maxSeconds !== undefined) {
    throw new AudioDecodeError('too-long', `The clip is longer than ${options.maxSeconds} s (decoding stopped after ${response.tooLongAfterSeconds.toFixed(1)} s). Trim it and try again.`);
  }
  if (!response.ok) {
    throw new AudioDecodeError(
      'corrupt',
      `The ${container.toUpperCase()} file could not be decoded (${response.message}). It may be damaged or truncated; re-export it and try again.`,
    );
  }
  if (response.samples.length === 0 || !(response.sampleRate > 0)) {
    throw new AudioDecodeError('corrupt', `The ${container.toUpperCase()} file contains no audio samples. Re-export it and try again.`);
  }

  const seconds = response.samples.length / response.sampleRate;
  if (options.maxSeconds !== undefined && seconds > options.maxSeconds) {
    throw new AudioDecodeError(
      'too-long',
      `The clip is ${seconds.toFixed(1)} s long; the limit is ${options.maxSeconds} s. Trim it and try again.`,
    );
  }
  return { samples: response.samples, sampleRate: response.sampleRate };
}

async function decodeAacWithFfmpeg(bytes: Uint8Array, timeoutMs: number): Promise<DecodeWorkerResponse> {
  const result = await decodeWithFfmpeg(bytes, timeoutMs);
  if (result.ok) return { ok: true, samples: result.clip.samples, sampleRate: result.clip.sampleRate, channels: 1 };
  if (result.missing) {
    throw new AudioDecodeError(
      'unsupported',
      'M4A/AAC clips need ffmpeg on this machine (on Debian/Ubuntu: sudo apt-get install ffmpeg). Or send the clip as MP3, OGG, WAV, WebM or FLAC.',
    );
  }
  return { ok: false, message: result.message };
}

function decodeInWorker(input: DecodeWorkerRequest, timeoutMs: number): Promise<DecodeWorkerResponse> {
  // Copy into a buffer of our own so it can be transferred without detaching the caller's array.
  const copy = new Uint8Array(input.bytes);
  const request: DecodeWorkerRequest = { ...input, bytes: copy };
  const worker = new Worker(new URL('./decodeWorker.ts', import.meta.url), {
    workerData: request,
    transferList: [copy.buffer],
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (result: DecodeWorkerResponse | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, message: `decoding took longer than ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    worker.once('message', (response: DecodeWorkerResponse) => finish(response));
    // A crash inside the decoder (wasm trap, out of memory) means the input was unusable, not that Chorus is broken.
    worker.once('error', (error: Error) => finish({ ok: false, message: error.message }));
    worker.once('exit', (code) => finish({ ok: false, message: `decoder stopped unexpectedly (exit code ${code})` }));
  });
}

function formatMiB(byteCount: number): string {
  return `${(byteCount / (1024 * 1024)).toFixed(1)} MiB`;
}
