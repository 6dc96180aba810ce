import * as ort from 'onnxruntime-node';
import { resample } from '../../../audio/resample.ts';
import type { DecodedClip } from '../../../audio/DecodedClip.ts';
import type { Language, Sentence } from '../../../text/TextPart.ts';
import { ArDecoder, type ArDecodeOptions, type StopReason } from './ArDecoder.ts';
import { ReferenceClipError } from './GptSovitsErrors.ts';
import { sentenceToModelText, transcriptToModelText, type ModelText } from './GptSovitsFrontEnd.ts';
import { FEATURES_FORMAT, type GptSovitsVoiceFeatures } from './GptSovitsVoiceFeatures.ts';
import type { ModelSessions } from './ModelSessions.ts';
import { BERT_WIDTH } from './RobertaFeatures.ts';
import { cutTranscript, MAX_REFERENCE_SECONDS, MIN_REFERENCE_SECONDS, pickReferenceWindow } from './ReferenceWindow.ts';
import { int16ToFloat32 } from '../../../audio/pcm.ts';

export const MODEL_SAMPLE_RATE = 32000;
export const SAMPLES_PER_TOKEN = 1280;
const SSL_RATE = 16000;
/** Reference transcripts whose BERT features are kept (one per voice in use; they cost a RoBERTa run each). */
const REFERENCE_BERT_CACHE = 32;
/** GPT-SoVITS appends 0.3 × 32000 zeros to the 16 kHz reference (0.6 s) so the end of the clip is not replayed. */
const REFERENCE_PADDING = 9600;

export interface DecodingLimits {
  readonly minTokens: number;
  /** Cap per target phone (runaway protection); the hard cap is `maxTokens`. */
  readonly maxTokensPerPhone: number;
  readonly maxTokens: number;
  readonly sampling?: ArDecodeOptions['sampling'];
  readonly repetition?: ArDecodeOptions['repetition'];
}

export const DEFAULT_LIMITS: DecodingLimits = { minTokens: 11, maxTokensPerPhone: 8, maxTokens: 1500 };

export interface SentenceAudio {
  /** 32 kHz model output (peak-normalised only if it clips). */
  readonly audio: Float32Array;
  readonly tokens: number;
  readonly stopReason: StopReason | 'empty';
  readonly phones: number;
  /** Where the time went (for benchmarks and logs); encoderMs includes bertMs. */
  readonly timings: { readonly bertMs: number; readonly encoderMs: number; readonly decoderMs: number; readonly vitsMs: number };
}

const NO_TIMINGS = { bertMs: 0, encoderMs: 0, decoderMs: 0, vitsMs: 0 } as const;

const int64 = (values: ArrayLike<number>): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(Array.from(values), (v) => BigInt(v)), [1, values.length]);
const zeros = (dims: readonly number[]): ort.Tensor => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);

/** Registration and synthesis on loaded sessions. Runs inside the engine's worker thread. */
export class GptSovitsPipeline {
  readonly #sessions: ModelSessions;
  readonly #decoder: ArDecoder;
  readonly #referenceBert = new Map<string, Float32Array>();

  constructor(sessions: ModelSessions) {
    this.#sessions = sessions;
    this.#decoder = new ArDecoder({
      firstStageDecoder: sessions.firstStageDecoder,
      stageDecoder: sessions.stageDecoder,
      firstStageLogits: sessions.layout.firstStageDecoder.logitsTensor,
      stageLogits: sessions.layout.stageDecoder.logitsTensor,
      layerCount: sessions.layout.layerCount,
      kvCache: sessions.decoder.kvCache,
      modelWidth: sessions.layout.modelWidth,
    });
  }

  async analyse(clip: DecodedClip, transcript: string, language: Language): Promise<GptSovitsVoiceFeatures> {
    const audio16k = await resample(clip.samples, clip.sampleRate, SSL_RATE);
    const window = pickReferenceWindow(audio16k, SSL_RATE);
    const seconds = audio16k.length / SSL_RATE;
    if (window === null || (window.endSample - window.startSample) / SSL_RATE < MIN_REFERENCE_SECONDS - 0.01) {
      throw new ReferenceClipError(`The clip has ${seconds.toFixed(1)} s of audio around its speech; GPT-SoVITS needs ${MIN_REFERENCE_SECONDS}–${MAX_REFERENCE_SECONDS} s of clear speech. Record a longer clip.`);
    }
    const startSeconds = window.startSample / SSL_RATE;
    const endSeconds = window.endSample / SSL_RATE;
    const transcriptUsed = cutTranscript(transcript, window.speechFractionStart, window.speechFractionEnd);
    const reference = transcriptToModelText(transcriptUsed, language);
    if (reference.ids.length === 0) throw new ReferenceClipError('The transcript has no readable words; give the text spoken in the clip.');

    const padded = new Float32Array(window.endSample - window.startSample + REFERENCE_PADDING);
    padded.set(audio16k.subarray(window.startSample, window.endSample));
    const hubertOut = await this.#sessions.hubert.run({ [this.#sessions.layout.hubert.inputName]: new ort.Tensor('float32', padded, [1, padded.length]) });
    const ssl = Object.values(hubertOut)[0]!;

    const refIds = reference.ids;
    const encoded = await this.#sessions.encoder.run({
      ref_seq: int64(refIds),
      text_seq: int64(refIds),
      ref_bert: zeros([refIds.length, BERT_WIDTH]),
      text_bert: zeros([refIds.length, BERT_WIDTH]),
      ssl_content: ssl,
    });
    const prompts = encoded.prompts!.data as BigInt64Array;

    const clip32k = await resample(clip.samples, clip.sampleRate, MODEL_SAMPLE_RATE);
    const from = Math.round(startSeconds * MODEL_SAMPLE_RATE);
    const to = Math.min(clip32k.length, Math.round(endSeconds * MODEL_SAMPLE_RATE));
    const referenceAudio32k = new Int16Array(to - from);
    for (let i = 0; i < referenceAudio32k.length; i++) referenceAudio32k[i] = Math.max(-32768, Math.min(32767, Math.round(clip32k[from + i]! * 32767)));

    return {
      format: FEATURES_FORMAT,
      promptTokens: Int16Array.from(prompts, (p) => Number(p)),
      referencePhoneIds: Int16Array.from(refIds),
      referenceAudio32k,
      transcriptUsed,
      windowSeconds: { start: startSeconds, end: endSeconds },
    };
  }

  /**
   * The encoder's x for a sentence ([1, reference phones + sentence phones, 512]), with RoBERTa features
   * for Mandarin phones when the model has RoBERTa. Null for a sentence with nothing to read.
   */
  async encodeSentence(sentence: Sentence, voice: GptSovitsVoiceFeatures): Promise<{ x: ort.Tensor; text: ModelText; bertMs: number } | null> {
    const text = sentenceToModelText(sentence);
    if (text.ids.length === 0) return null;
    const refIds = voice.referencePhoneIds;
    const started = performance.now();
    const [refBert, textBert] = [await this.#referenceBertOf(voice), await this.#bertOf(text)];
    const bertMs = performance.now() - started;
    // x does not depend on the SSL features (they only make the prompt tokens, stored at registration).
    const encoded = await this.#sessions.encoder.run({
      ref_seq: int64(refIds),
      text_seq: int64(text.ids),
      ref_bert: new ort.Tensor('float32', refBert, [refIds.length, BERT_WIDTH]),
      text_bert: new ort.Tensor('float32', textBert, [text.ids.length, BERT_WIDTH]),
      ssl_content: zeros([1, 768, 4]),
    });
    return { x: encoded.x!, text, bertMs };
  }

  async #bertOf(text: ModelText): Promise<Float32Array> {
    const roberta = this.#sessions.roberta;
    if (roberta === undefined || text.chineseRuns.length === 0) return new Float32Array(text.ids.length * BERT_WIDTH);
    return roberta.forText(text);
  }

  /**
   * The reference transcript's features, recomputed from the stored transcript and cached. When the
   * front end no longer reads the transcript as the phones stored at registration, zeros (the phones
   * are what the prompt was aligned with; features must line up with them).
   */
  async #referenceBertOf(voice: GptSovitsVoiceFeatures): Promise<Float32Array> {
    const zerosForReference = (): Float32Array => new Float32Array(voice.referencePhoneIds.length * BERT_WIDTH);
    if (this.#sessions.roberta === undefined) return zerosForReference();
    const key = `${voice.transcriptUsed}\u0000${voice.referencePhoneIds.join(',')}`;
    const cached = this.#referenceBert.get(key);
    if (cached !== undefined) {
      this.#referenceBert.delete(key);
      this.#referenceBert.set(key, cached);
      return cached;
    }
    const text = transcriptToModelText(voice.transcriptUsed, 'zh');
    const same = text.ids.length === voice.referencePhoneIds.length && text.ids.every((id, i) => id === voice.referencePhoneIds[i]);
    const features = same ? await this.#bertOf(text) : zerosForReference();
    this.#referenceBert.set(key, features);
    if (this.#referenceBert.size > REFERENCE_BERT_CACHE) this.#referenceBert.delete(this.#referenceBert.keys().next().value!);
    return features;
  }

  /** `onStep` receives each decoder run's duration (the prefill first), for benchmarks. */
  async synthesizeSentence(sentence: Sentence, voice: GptSovitsVoiceFeatures, limits: DecodingLimits, seed: number, signal?: AbortSignal, onStep?: (milliseconds: number) => void): Promise<SentenceAudio> {
    const started = performance.now();
    const encoded = await this.encodeSentence(sentence, voice);
    if (encoded === null) return { audio: new Float32Array(0), tokens: 0, stopReason: 'empty', phones: 0, timings: NO_TIMINGS };
    const { text, bertMs } = encoded;
    const prompts = BigInt64Array.from(voice.promptTokens, (t) => BigInt(t));
    const encodedAt = performance.now();
    const decoded = await this.#decoder.decode(encoded.x, prompts, {
      minTokens: limits.minTokens,
      maxTokens: Math.min(limits.maxTokens, Math.max(limits.minTokens + 1, limits.maxTokensPerPhone * text.ids.length)),
      seed,
      ...(limits.sampling === undefined ? {} : { sampling: limits.sampling }),
      ...(limits.repetition === undefined ? {} : { repetition: limits.repetition }),
      ...(signal === undefined ? {} : { signal }),
      ...(onStep === undefined ? {} : { onStep }),
    });
    const decodedAt = performance.now();
    const encoderMs = encodedAt - started;
    const decoderMs = decodedAt - encodedAt;
    if (decoded.tokens.length === 0) return { audio: new Float32Array(0), tokens: 0, stopReason: decoded.stopReason, phones: text.ids.length, timings: { bertMs, encoderMs, decoderMs, vitsMs: 0 } };
    const referenceAudio = int16ToFloat32(voice.referenceAudio32k);
    const vocoded = await this.#sessions.vits.run({
      text_seq: int64(text.ids),
      pred_semantic: new ort.Tensor('int64', BigInt64Array.from(decoded.tokens, (t) => BigInt(t)), [1, 1, decoded.tokens.length]),
      ref_audio: new ort.Tensor('float32', referenceAudio, [1, referenceAudio.length]),
    });
    const vitsMs = performance.now() - decodedAt;
    const audio = vocoded.audio!.data as Float32Array;
    let peak = 0;
    for (const s of audio) peak = Math.max(peak, Math.abs(s));
    if (peak > 1) for (let i = 0; i < audio.length; i++) audio[i] = audio[i]! / peak;
    return { audio, tokens: decoded.tokens.length, stopReason: decoded.stopReason, phones: text.ids.length, timings: { bertMs, encoderMs, decoderMs, vitsMs } };
  }
}
