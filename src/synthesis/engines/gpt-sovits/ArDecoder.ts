import * as ort from 'onnxruntime-node';
import { CancelledError } from '../../../util/ChorusError.ts';
import { DEFAULT_REPETITION, findRunawayRepetition, type RepetitionOptions } from './RepetitionDetector.ts';
import { SeededRandom } from './SeededRandom.ts';
import { DEFAULT_SAMPLING, TokenSampler, type SamplingOptions } from './TokenSampler.ts';
import { GraphKvCache, InPlaceKvCache, type KvCache } from './KvCache.ts';
import { ATTENTION_HEADS } from './rewriteStageAttention.ts';

export const SEMANTIC_VOCABULARY = 1025;
export const EOS_TOKEN = 1024;

export interface ArDecoderSessions {
  readonly firstStageDecoder: ort.InferenceSession;
  readonly stageDecoder: ort.InferenceSession;
  /** Output names of the raw logits in each decoder (exposed when the graphs were loaded). */
  readonly firstStageLogits: string;
  readonly stageLogits: string;
  readonly layerCount: number;
  /**
   * 'graph' (default): the stage decoder as exported, caches fed back by name; 'in-place': the stage
   * decoder rewritten by rewriteStageAttention (caches owned here, one row written per step).
   */
  readonly kvCache?: 'graph' | 'in-place';
  /** Width of the caches (512 for v2); needed for 'in-place'. */
  readonly modelWidth?: number;
}

export interface ArDecodeOptions {
  readonly sampling?: Partial<SamplingOptions>;
  /** EOS is not drawn before this many tokens (GPT-SoVITS: 11, "to prevent swallowed sentences"). */
  readonly minTokens?: number;
  /** Hard cap on generated tokens (GPT-SoVITS: 1500 = 60 s). */
  readonly maxTokens?: number;
  readonly repetition?: RepetitionOptions;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Called after each decoder step (the prefill first) with its duration, sampling included (for benchmarks). */
  readonly onStep?: (milliseconds: number) => void;
}

export type StopReason = 'eos' | 'max-length' | 'repetition';

export interface ArDecodeResult {
  /** Generated semantic tokens only: never the prompt (a replayed prompt would replay the reference clip). */
  readonly tokens: Int32Array;
  readonly stopReason: StopReason;
  /** Decoder runs: the prefill plus every stage step. */
  readonly runs: number;
}

function lastRow(tensor: ort.Tensor | undefined, name: string): Float32Array {
  if (tensor === undefined || !(tensor.data instanceof Float32Array)) throw new Error(`decoder output ${name} is missing or not float32`);
  return tensor.data;
}

/**
 * The autoregressive loop over the Genie decoders: prefill over [text ; prompt], then one stage step per
 * token with per-layer KV caches fed back by name. Sampling happens here, not in the graph, so it is
 * seedable and follows GPT-SoVITS's PyTorch semantics; the in-graph sample in `y` is overwritten.
 */
export class ArDecoder {
  readonly #sessions: ArDecoderSessions;

  constructor(sessions: ArDecoderSessions) {
    this.#sessions = sessions;
  }

  async decode(x: ort.Tensor, prompts: BigInt64Array, options: ArDecodeOptions = {}): Promise<ArDecodeResult> {
    const sampling = { ...DEFAULT_SAMPLING, ...options.sampling };
    const minTokens = options.minTokens ?? 11;
    const maxTokens = Math.max(1, options.maxTokens ?? 1500);
    const repetition = options.repetition ?? DEFAULT_REPETITION;
    const signal = options.signal;
    const sampler = new TokenSampler(SEMANTIC_VOCABULARY, sampling, new SeededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32)));
    const seen = new Uint8Array(SEMANTIC_VOCABULARY);
    for (const p of prompts) seen[Number(p)] = 1;
    const tokens = new Int32Array(maxTokens);
    let count = 0;
    const { firstStageDecoder, stageDecoder, firstStageLogits, stageLogits, layerCount } = this.#sessions;

    const throwIfAborted = (): void => {
      if (signal?.aborted === true) throw new CancelledError('Speech synthesis was cancelled.');
    };

    /** Samples token `count` from `logits`; returns a stop reason or null. Writes the token into `y`. */
    const accept = (logits: Float32Array, y: ort.Tensor): StopReason | null => {
      const banned = count < minTokens ? EOS_TOKEN : -1;
      const { token, argmax } = sampler.sample(logits, seen, banned);
      if (token === EOS_TOKEN || argmax === EOS_TOKEN) return 'eos';
      tokens[count++] = token;
      seen[token] = 1;
      const yData = y.data as BigInt64Array;
      yData[yData.length - 1] = BigInt(token);
      const keep = findRunawayRepetition(tokens, count, repetition);
      if (keep >= 0) {
        count = keep;
        return 'repetition';
      }
      return count >= maxTokens ? 'max-length' : null;
    };

    throwIfAborted();
    const cache: KvCache = this.#sessions.kvCache === 'in-place'
      ? new InPlaceKvCache(layerCount, ATTENTION_HEADS, this.#sessions.modelWidth ?? 512)
      : new GraphKvCache(layerCount);
    const promptTensor = new ort.Tensor('int64', prompts, [1, prompts.length]);
    let started = performance.now();
    let out = await firstStageDecoder.run({ x, prompts: promptTensor });
    let runs = 1;
    let y = out.y!;
    let yEmb = out.y_emb!;
    cache.fromPrefill(out);
    let stop = accept(lastRow(out[firstStageLogits], firstStageLogits), y);
    options.onStep?.(performance.now() - started);
    // Only what the loop reads: onnxruntime-node copies every fetched output into a new JS buffer.
    const fetches = ['y', 'y_emb', stageLogits, ...cache.fetches];

    while (stop === null) {
      throwIfAborted();
      const feeds: Record<string, ort.Tensor> = { iy: y, iy_emb: yEmb, ...cache.feeds() };
      started = performance.now();
      out = await stageDecoder.run(feeds, fetches);
      runs++;
      y = out.y!;
      yEmb = out.y_emb!;
      cache.afterStep(out);
      stop = accept(lastRow(out[stageLogits], stageLogits), y);
      // The whole step: onnxruntime, cache bookkeeping and sampling.
      options.onStep?.(performance.now() - started);
    }
    return { tokens: tokens.slice(0, count), stopReason: stop, runs };
  }
}
