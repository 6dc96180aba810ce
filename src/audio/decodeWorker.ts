/**
 * Runs inside a worker_threads Worker started by decodeAudio(): wasm decoders are synchronous and
 * would otherwise stall the bot's event loop (and its voice connection) for the whole decode.
 * One worker per clip, so a decoder that corrupts its wasm heap on garbage input dies with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import decode from 'audio-decode';
import { downmixToMono } from './pcm.ts';

export interface DecodeWorkerRequest {
  readonly bytes: Uint8Array;
}

export type DecodeWorkerResponse =
  | { readonly ok: true; readonly samples: Float32Array; readonly sampleRate: number; readonly channels: number }
  | { readonly ok: false; readonly message: string };

async function run(request: DecodeWorkerRequest): Promise<DecodeWorkerResponse> {
  try {
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
