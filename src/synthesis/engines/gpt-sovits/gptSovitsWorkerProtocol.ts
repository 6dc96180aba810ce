import type { Language, Sentence } from '../../../text/TextPart.ts';
import type { StopReason } from './ArDecoder.ts';
import type { GptSovitsVoiceFeatures } from './GptSovitsVoiceFeatures.ts';
import type { DecodingLimits } from './GptSovitsPipeline.ts';
import type { DecoderOptions } from './ModelSessions.ts';
import type { DetectModelLayoutOptions } from './ModelLayout.ts';

export interface GptSovitsWorkerData {
  readonly modelDir: string;
  readonly layout: DetectModelLayoutOptions;
  readonly intraOpThreads: number;
  readonly spinWait?: boolean;
  readonly decoder?: DecoderOptions;
}

export interface SerializedError {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly file?: string;
}

export type WorkerRequest =
  | { readonly type: 'analyse'; readonly id: number; readonly samples: Float32Array; readonly sampleRate: number; readonly transcript: string; readonly language: Language }
  | { readonly type: 'synthesize'; readonly id: number; readonly sentences: readonly Sentence[]; readonly features: GptSovitsVoiceFeatures; readonly limits: DecodingLimits; readonly seed: number }
  | { readonly type: 'cancel'; readonly id: number };

export type WorkerResponse =
  | { readonly type: 'ready'; readonly layerCount: number }
  | { readonly type: 'load-failed'; readonly error: SerializedError }
  | { readonly type: 'analysed'; readonly id: number; readonly features: GptSovitsVoiceFeatures }
  | { readonly type: 'sentence'; readonly id: number; readonly sentenceIndex: number; readonly samples48k: Float32Array; readonly tokens: number; readonly stopReason: StopReason | 'empty' }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly error: SerializedError };
