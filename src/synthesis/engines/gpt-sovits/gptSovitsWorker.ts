/**
 * The GPT-SoVITS worker thread: owns the onnxruntime sessions (one set, shared by every voice) and runs
 * registration and synthesis off the main event loop. Jobs run one at a time; a cancel message aborts
 * the running job between decoder steps (each step awaits onnxruntime, so messages get through).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resample } from '../../../audio/resample.ts';
import { isCancelled } from '../../../util/ChorusError.ts';
import { GptSovitsPipeline, MODEL_SAMPLE_RATE } from './GptSovitsPipeline.ts';
import { detectModelLayout } from './ModelLayout.ts';
import { loadModelSessions } from './ModelSessions.ts';
import type { GptSovitsWorkerData, SerializedError, WorkerRequest, WorkerResponse } from './gptSovitsWorkerProtocol.ts';

export const OUTPUT_SAMPLE_RATE = 48000;

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) {
    const extra = error as Error & { code?: unknown; file?: unknown };
    return {
      name: isCancelled(error) ? 'CancelledError' : error.name,
      message: error.message,
      ...(typeof extra.code === 'string' ? { code: extra.code } : {}),
      ...(typeof extra.file === 'string' ? { file: extra.file } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

const port = parentPort;
if (port !== null) {
  const data = workerData as GptSovitsWorkerData;
  const send = (message: WorkerResponse, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const controllers = new Map<number, AbortController>();
  let queue: Promise<void> = Promise.resolve();

  let pipeline: GptSovitsPipeline | undefined;
  try {
    const layout = detectModelLayout(data.modelDir, data.layout);
    pipeline = new GptSovitsPipeline(await loadModelSessions(layout, {
      intraOpThreads: data.intraOpThreads,
      ...(data.spinWait === undefined ? {} : { spinWait: data.spinWait }),
      ...(data.decoder === undefined ? {} : { decoder: data.decoder }),
    }));
    send({ type: 'ready', layerCount: layout.layerCount });
  } catch (error) {
    send({ type: 'load-failed', error: serialize(error) });
  }

  const run = async (request: Exclude<WorkerRequest, { type: 'cancel' }>, signal: AbortSignal): Promise<void> => {
    if (pipeline === undefined) throw new Error('model not loaded');
    if (request.type === 'analyse') {
      const features = await pipeline.analyse({ samples: request.samples, sampleRate: request.sampleRate }, request.transcript, request.language);
      send({ type: 'analysed', id: request.id, features });
      return;
    }
    for (let index = 0; index < request.sentences.length; index++) {
      if (signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      const result = await pipeline.synthesizeSentence(request.sentences[index]!, request.features, request.limits, request.seed + index, signal);
      const samples48k = result.audio.length === 0 ? new Float32Array(0) : await resample(result.audio, MODEL_SAMPLE_RATE, OUTPUT_SAMPLE_RATE);
      send({ type: 'sentence', id: request.id, sentenceIndex: index, samples48k, tokens: result.tokens, stopReason: result.stopReason }, [samples48k.buffer as ArrayBuffer]);
    }
    send({ type: 'done', id: request.id });
  };

  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'cancel') {
      controllers.get(request.id)?.abort();
      return;
    }
    const controller = new AbortController();
    controllers.set(request.id, controller);
    queue = queue.then(async () => {
      try {
        if (controller.signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
        await run(request, controller.signal);
      } catch (error) {
        send({ type: 'failed', id: request.id, error: serialize(error) });
      } finally {
        controllers.delete(request.id);
      }
    });
  });
}
