/**
 * Runs inside a worker_threads Worker started by decodeAudio(): wasm decoders are synchronous and
 * would otherwise stall the bot's event loop (and its voice connection) for the whole decode.
 * One worker per clip, so a decoder that corrupts its wasm heap on garbage input dies with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import decode from 'audio-decode';
import { decodeChunked } from 'audio-decode/stream';
import { concatSamples, downmixToMono } from './pcm.ts';
import type { AudioContainer } from './sniffAudioFormat.ts';

export interface DecodeWorkerRequest {
  readonly bytes: Uint8Array;
  readonly container: AudioContainer;
  /** Stop decoding as soon as the audio is longer than this (a hostile low-bitrate file could expand to gigabytes). */
  readonly maxSeconds?: number;
}

export type DecodeWorkerResponse =
  | { readonly ok: true; readonly samples: Float32Array; readonly sampleRate: number; readonly channels: number }
  | { readonly ok: false; readonly message: string; readonly tooLongAfterSeconds?: number };

type ChunkedFormat = 'wav' | 'mp3' | 'flac' | 'opus' | 'oga' | 'webm';

/** Formats the chunked decoder handles; Ogg FLAC and anything unknown fall back to a whole-file decode. */
function chunkedFormat(request: DecodeWorkerRequest): ChunkedFormat | undefined {
  switch (request.container) {
    case 'wav':
    case 'mp3':
    case 'flac':
    case 'webm':
      return request.container;
    case 'ogg': {
      const head = Buffer.from(request.bytes.subarray(0, 512)).toString('latin1');
      if (head.includes('OpusHead')) return 'opus';
      if (head.includes('\x01vorbis')) return 'oga';
      return undefined;
    }
    default:
      return undefined;
  }
}

const CHUNK_BYTES = 64 * 1024;

async function runChunked(request: DecodeWorkerRequest, format: ChunkedFormat, maxSeconds: number): Promise<DecodeWorkerResponse> {
  const { bytes } = request;
  async function* source(): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) yield bytes.subarray(offset, offset + CHUNK_BYTES);
  }
  const pieces: Float32Array[] = [];
  let total = 0;
  let sampleRate = 0;
  let channels = 0;
  for await (const data of decodeChunked(source(), format)) {
    if (data.channelData.length === 0 || data.channelData[0]?.length === 0) continue;
    sampleRate = data.sampleRate;
    channels = data.channelData.length;
    const mono = downmixToMono(data.channelData);
    pieces.push(mono);
    total += mono.length;
    if (total / sampleRate > maxSeconds) return { ok: false, message: 'too long', tooLongAfterSeconds: total / sampleRate };
  }
  return { ok: true, samples: concatSamples(Float32Array, pieces), sampleRate, channels };
}

async function run(request: DecodeWorkerRequest): Promise<DecodeWorkerResponse> {
  try {
    const format = chunkedFormat(request);
    if (request.maxSeconds !== undefined && format !== undefined) return await runChunked(request, format, request.maxSeconds);
    const { channelData, sampleRate } = await decode(request.bytes);
    const samples = downmixToMono(channelData);
    return { ok: true, samples, sampleRate, channels: channelData.length };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

const port = parentPort;
if (port) {
  const response = await run(workerData as DecodeWorkerRequest);
  port.postMessage(response, response.ok ? [response.samples.buffer as ArrayBuffer] : []);
}
