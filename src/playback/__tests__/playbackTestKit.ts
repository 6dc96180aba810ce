import type { PcmChunk } from '../../audio/PcmChunk.ts';
import type { PriorityClass, Speaker, SpeechJob } from '../../speech/SpeechJob.ts';
import { FRAME_SAMPLE_RATE, FRAME_SAMPLES, type AudioFrame } from '../AudioFrame.ts';
import type { AudioSink, UtteranceOutcome } from '../AudioSink.ts';
import type { FramePipeline } from '../FramePipeline.ts';
import type { UtteranceInfo } from '../UtteranceInfo.ts';

export const TARGET = 'guild-1';

export const alice: Speaker = { platform: 'discord', userId: 'u-alice', displayName: 'Alice' };
export const bob: Speaker = { platform: 'discord', userId: 'u-bob', displayName: 'Bob' };

export interface JobSpec {
  readonly priority?: PriorityClass;
  readonly speaker?: Speaker;
  readonly createdAt?: number;
  readonly deadline?: number;
  /** Sentences; default one sentence equal to the display text. */
  readonly sentences?: readonly string[];
}

export function speechJob(id: string, text: string, spec: JobSpec = {}): SpeechJob {
  const createdAt = spec.createdAt ?? Date.now();
  return {
    id,
    target: TARGET,
    speaker: spec.speaker ?? alice,
    voiceId: `voice-of-${(spec.speaker ?? alice).userId}`,
    displayText: text,
    sentences: (spec.sentences ?? [text]).map((sentence) => ({ parts: [{ language: 'en', text: sentence }] })),
    priority: spec.priority ?? 'chat',
    createdAt,
    deadline: spec.deadline ?? createdAt + 60_000,
  };
}

/**
 * Test double for the real resampler + Opus encoder being written in src/audio: resamples by holding the
 * nearest earlier sample (naive repetition), cuts 960-sample frames, and fills `opus` with a 3-byte marker.
 */
export function naiveFramePipeline(sampleRate: number): FramePipeline & { readonly closed: boolean } {
  let pending: number[] = [];
  let produced = 0;
  let consumed = 0;
  let closed = false;
  const frame = (pcm: Int16Array): AudioFrame => {
    produced += 1;
    return { pcm, opus: Buffer.from([0xfc, produced & 0xff, produced >> 8]) };
  };
  return {
    get closed() {
      return closed;
    },
    push(chunk: PcmChunk): AudioFrame[] {
      // Output sample n holds input sample floor(n * in / out), across chunk boundaries.
      const inputEnd = consumed + chunk.samples.length;
      let outputIndex = Math.ceil((consumed * FRAME_SAMPLE_RATE) / sampleRate);
      for (; ; outputIndex += 1) {
        const inputIndex = Math.floor((outputIndex * sampleRate) / FRAME_SAMPLE_RATE);
        if (inputIndex >= inputEnd) break;
        pending.push(chunk.samples[inputIndex - consumed] ?? 0);
      }
      consumed = inputEnd;
      const frames: AudioFrame[] = [];
      while (pending.length >= FRAME_SAMPLES) {
        frames.push(frame(Int16Array.from(pending.slice(0, FRAME_SAMPLES))));
        pending = pending.slice(FRAME_SAMPLES);
      }
      return frames;
    },
    end(): AudioFrame[] {
      if (pending.length === 0) return [];
      const pcm = new Int16Array(FRAME_SAMPLES);
      pcm.set(pending);
      pending = [];
      return [frame(pcm)];
    },
    close(): void {
      closed = true;
    },
  };
}

export interface SinkRecord {
  readonly utterance: UtteranceInfo;
  readonly frames: AudioFrame[];
  outcome: UtteranceOutcome | undefined;
}

/** A sink that keeps everything it receives and checks the begin/write/end protocol; optionally paced. */
export class RecordingSink implements AudioSink {
  readonly utterances: SinkRecord[] = [];
  readonly violations: string[] = [];
  readonly #writeDelayMs: number;
  #open: SinkRecord | undefined;

  constructor(writeDelayMs = 0) {
    this.#writeDelayMs = writeDelayMs;
  }

  get order(): string[] {
    return this.utterances.map((record) => record.utterance.jobId);
  }

  get framesOfCurrent(): number {
    return this.#open?.frames.length ?? 0;
  }

  record(jobId: string): SinkRecord | undefined {
    return this.utterances.find((record) => record.utterance.jobId === jobId);
  }

  begin(utterance: UtteranceInfo): void {
    if (this.#open) this.violations.push(`begin ${utterance.jobId} while ${this.#open.utterance.jobId} is open`);
    this.#open = { utterance, frames: [], outcome: undefined };
    this.utterances.push(this.#open);
  }

  async write(frame: AudioFrame): Promise<void> {
    if (!this.#open) this.violations.push('write outside an utterance');
    if (frame.pcm.length !== FRAME_SAMPLES) this.violations.push(`frame of ${frame.pcm.length} samples`);
    this.#open?.frames.push(frame);
    if (this.#writeDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#writeDelayMs));
  }

  end(utterance: UtteranceInfo, outcome: UtteranceOutcome): void {
    if (this.#open?.utterance.jobId !== utterance.jobId) this.violations.push(`end ${utterance.jobId} without begin`);
    if (this.#open) this.#open.outcome = outcome;
    this.#open = undefined;
  }
}

/** Dominant frequency of a tone by counting rising zero crossings (trailing zero padding ignored). */
export function estimateFrequency(frames: readonly AudioFrame[]): number {
  const samples: number[] = [];
  for (const frame of frames) samples.push(...frame.pcm);
  let last = samples.length;
  while (last > 0 && samples[last - 1] === 0) last -= 1;
  let crossings = 0;
  for (let i = 1; i < last; i += 1) {
    if ((samples[i - 1] as number) < 0 && (samples[i] as number) >= 0) crossings += 1;
  }
  return crossings / (last / FRAME_SAMPLE_RATE);
}
