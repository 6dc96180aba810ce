import { Worker } from 'node:worker_threads';
import type { ChorusError } from '../../../util/ChorusError.ts';
import { EngineError } from '../../EngineError.ts';
import type { BuiltinVoiceProfile } from './BuiltinVoiceProfile.ts';
import type { EspeakWorkerData, EspeakWorkerRequest, EspeakWorkerResponse } from './EspeakWorkerMessage.ts';
import { NoVoicedSpeechError } from './NoVoicedSpeechError.ts';

/** Receives what the worker reports for one job. Exactly one of onDone, onAnalysed, onFailed ends it. */
export interface EspeakJobSink {
  onChunk(sentenceIndex: number, samples: Int16Array): void;
  onAnalysed(profile: BuiltinVoiceProfile): void;
  /** Synthesis finished, or stopped after a cancel. */
  onDone(): void;
  onFailed(error: ChorusError): void;
}

export interface EspeakJob {
  readonly request: EspeakWorkerRequest;
  readonly sink: EspeakJobSink;
}

export type EspeakWorkerThreadState =
  | { readonly status: 'starting' }
  | { readonly status: 'idle' }
  | { readonly status: 'busy'; readonly job: EspeakJob }
  /** The thread died (crash or failed start); `everReady` tells a crash from a start-up failure. */
  | { readonly status: 'exited'; readonly error: EngineError; readonly everReady: boolean }
  | { readonly status: 'closed' };

export const ENGINE_ID = 'builtin';

/** One worker thread running espeak-ng, with an explicit state machine; the pool decides what it runs. */
export class EspeakWorkerThread {
  readonly #worker: Worker;
  readonly #cancelSignal: Int32Array;
  readonly #onStateChange: (thread: EspeakWorkerThread) => void;
  #state: EspeakWorkerThreadState = { status: 'starting' };
  #everReady = false;
  #lastError: unknown = undefined;

  constructor(workerUrl: URL, onStateChange: (thread: EspeakWorkerThread) => void) {
    const cancelSignal = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this.#cancelSignal = new Int32Array(cancelSignal);
    this.#onStateChange = onStateChange;
    const workerData: EspeakWorkerData = { cancelSignal };
    this.#worker = new Worker(workerUrl, { workerData });
    this.#worker.on('message', (message: EspeakWorkerResponse) => this.#handleMessage(message));
    this.#worker.on('error', (error) => {
      this.#lastError = error;
    });
    this.#worker.on('exit', (code) => this.#handleExit(code));
  }

  get state(): EspeakWorkerThreadState {
    return this.#state;
  }

  run(job: EspeakJob): void {
    if (this.#state.status !== 'idle') throw new Error(`Cannot run a job on an espeak worker that is ${this.#state.status}.`);
    this.#setState({ status: 'busy', job });
    this.#worker.postMessage(job.request);
  }

  /** Asks the worker to stop a job; the worker notices between audio chunks (every ~100 ms of audio). */
  cancel(jobId: number): void {
    Atomics.store(this.#cancelSignal, 0, jobId);
  }

  async close(): Promise<void> {
    const previous = this.#state;
    this.#setState({ status: 'closed' });
    if (previous.status === 'busy') previous.job.sink.onFailed(new EngineError(ENGINE_ID, 'The speech engine was shut down while speaking.'));
    await this.#worker.terminate();
  }

  #setState(state: EspeakWorkerThreadState): void {
    this.#state = state;
    this.#onStateChange(this);
  }

  #handleMessage(message: EspeakWorkerResponse): void {
    if (message.type === 'ready') {
      this.#everReady = true;
      if (this.#state.status === 'starting') this.#setState({ status: 'idle' });
      return;
    }
    const state = this.#state;
    if (state.status !== 'busy' || state.job.request.jobId !== message.jobId) return;
    const { sink } = state.job;
    switch (message.type) {
      case 'chunk':
        sink.onChunk(message.sentenceIndex, message.samples);
        return;
      case 'done':
      case 'cancelled':
        this.#setState({ status: 'idle' });
        sink.onDone();
        return;
      case 'analysed':
        this.#setState({ status: 'idle' });
        sink.onAnalysed(message.profile);
        return;
      case 'failed':
        this.#setState({ status: 'idle' });
        sink.onFailed(
          message.reason === 'no-voiced-speech'
            ? new NoVoicedSpeechError()
            : new EngineError(ENGINE_ID, `The builtin speech engine (espeak-ng) failed: ${message.message}`),
        );
        return;
    }
  }

  #handleExit(code: number): void {
    const previous = this.#state;
    if (previous.status === 'closed') return;
    const detail = this.#lastError instanceof Error ? this.#lastError.message : `exit code ${code}`;
    const error = this.#everReady
      ? new EngineError(ENGINE_ID, `The builtin speech engine (espeak-ng) crashed (${detail}); it restarts for the next message.`, { cause: this.#lastError })
      : new EngineError(ENGINE_ID, `The builtin speech engine (espeak-ng) could not start (${detail}); check that @echogarden/espeak-ng-emscripten is installed.`, {
          cause: this.#lastError,
        });
    this.#setState({ status: 'exited', error, everReady: this.#everReady });
    if (previous.status === 'busy') previous.job.sink.onFailed(error);
  }
}
