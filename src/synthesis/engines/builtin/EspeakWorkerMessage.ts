import type { Language } from '../../../text/TextPart.ts';
import type { BuiltinVoiceProfile } from './BuiltinVoiceProfile.ts';

/** One run of text for one espeak voice; consecutive segments of a sentence share its index. */
export interface EspeakSegment {
  readonly sentenceIndex: number;
  /** espeak voice name without variant, e.g. "cmn-latn-pinyin". */
  readonly voice: string;
  readonly text: string;
}

export interface SynthesizeRequest {
  readonly type: 'synthesize';
  readonly jobId: number;
  readonly segments: readonly EspeakSegment[];
  /** Voice profile to apply as an espeak variant, or null for the stock voice. */
  readonly profile: BuiltinVoiceProfile | null;
  /** Silence inserted after every sentence but the last. */
  readonly pauseSamples: number;
}

export interface AnalyseRequest {
  readonly type: 'analyse';
  readonly jobId: number;
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly language: Language;
  /** Language spoken in the clip (from its transcript), which sets the tempo comparison. */
  readonly referenceLanguage: Language;
}

/** Main thread → worker. */
export type EspeakWorkerRequest = SynthesizeRequest | AnalyseRequest;

/** Why a job failed inside the worker: decides which error class the main thread raises. */
export type EspeakFailureReason = 'no-voiced-speech' | 'internal';

/** Worker → main thread. Every job ends with exactly one of done, cancelled, analysed or failed. */
export type EspeakWorkerResponse =
  | { readonly type: 'ready'; readonly sampleRate: number }
  | { readonly type: 'chunk'; readonly jobId: number; readonly sentenceIndex: number; readonly samples: Int16Array }
  | { readonly type: 'done'; readonly jobId: number }
  | { readonly type: 'cancelled'; readonly jobId: number }
  | { readonly type: 'analysed'; readonly jobId: number; readonly profile: BuiltinVoiceProfile }
  | { readonly type: 'failed'; readonly jobId: number; readonly reason: EspeakFailureReason; readonly message: string };

/** Passed as `workerData`. */
export interface EspeakWorkerData {
  /** Int32 slot 0 holds the id of a job to stop: espeak runs synchronously, so a message could not reach it. */
  readonly cancelSignal: SharedArrayBuffer;
}
