import { PRIORITY_CLASSES, type PriorityClass } from '../../speech/SpeechJob.ts';
import type { Sentence } from '../../text/TextPart.ts';
import { decodeFeatures, encodeFeatures } from '../../voices/featuresJson.ts';
import type { SynthesisJob } from '../SynthesisQueue.ts';
import { InvalidRemoteJobError } from './BullQueueErrors.ts';

/**
 * Bumped when the shape changes, so an old worker refuses a new job clearly instead of misreading it.
 * 2: large voice features travel by reference (`featuresKey`, VoiceFeatureStore.ts).
 */
export const REMOTE_JOB_FORMAT = 2;

/** The voice's engine features, inline or by the content hash they are stored under in Redis. */
export type RemoteVoiceFeatures = { readonly features: string } | { readonly featuresKey: string };

/**
 * A SynthesisJob as bull stores it (JSON). The voice's engine features travel as a string in the voice
 * store's own encoding, which keeps typed arrays (GPT-SoVITS reference data) intact: a worker on another
 * machine has no access to the bot's disk.
 */
export interface RemoteJobData {
  readonly format: typeof REMOTE_JOB_FORMAT;
  readonly id: string;
  readonly voice: { readonly id: string; readonly language: SynthesisJob['voice']['language'] } & RemoteVoiceFeatures;
  readonly sentences: readonly Sentence[];
  readonly priority: PriorityClass;
  readonly deadline: number;
}

/** The voice store's encoding of a job's features (what travels, inline or by reference). */
export const encodedFeaturesOf = (job: SynthesisJob): string => encodeFeatures(job.voice.features);

export function toRemoteJobData(job: SynthesisJob, features: RemoteVoiceFeatures = { features: encodedFeaturesOf(job) }): RemoteJobData {
  return {
    format: REMOTE_JOB_FORMAT,
    id: job.id,
    voice: { id: job.voice.id, language: job.voice.language, ...features },
    sentences: job.sentences,
    priority: job.priority,
    deadline: job.deadline,
  };
}

/** bull's priority: 1 is the highest. Classes keep their PRIORITY_CLASSES order; bull is FIFO within one. */
export function bullPriority(priority: PriorityClass): number {
  const index = PRIORITY_CLASSES.indexOf(priority);
  return (index < 0 ? PRIORITY_CLASSES.length : index) + 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isSentence(value: unknown): value is Sentence {
  if (!isRecord(value) || !Array.isArray(value.parts)) return false;
  return value.parts.every((part: unknown) => isRecord(part) && (part.language === 'zh' || part.language === 'en') && typeof part.text === 'string' && (part.pinyin === undefined || typeof part.pinyin === 'string'));
}

/** The hash of the features a job names by reference, which the worker fetches before reading the job. */
export function featuresKeyOf(data: unknown): string | undefined {
  if (!isRecord(data) || !isRecord(data.voice)) return undefined;
  const key = data.voice.featuresKey;
  return typeof key === 'string' && /^[0-9a-f]{32}$/.test(key) ? key : undefined;
}

/**
 * Checks what a worker took from Redis and rebuilds the SynthesisJob; throws InvalidRemoteJobError.
 * `fetchedFeatures`: the encoded features a job names by `featuresKey`, fetched by the caller.
 */
export function fromRemoteJobData(data: unknown, fetchedFeatures?: string): SynthesisJob {
  if (!isRecord(data)) throw new InvalidRemoteJobError('not an object');
  if (data.format !== REMOTE_JOB_FORMAT) throw new InvalidRemoteJobError(`format ${JSON.stringify(data.format)}, this worker reads format ${REMOTE_JOB_FORMAT}`);
  const { id, voice, sentences, priority, deadline } = data;
  if (typeof id !== 'string' || id === '') throw new InvalidRemoteJobError('no job id');
  const encoded = isRecord(voice) ? (typeof voice.features === 'string' ? voice.features : featuresKeyOf(data) === undefined ? undefined : fetchedFeatures) : undefined;
  if (!isRecord(voice) || typeof voice.id !== 'string' || (voice.language !== 'zh' && voice.language !== 'en') || encoded === undefined) {
    throw new InvalidRemoteJobError(`job ${id} has no usable voice`);
  }
  if (!Array.isArray(sentences) || !sentences.every(isSentence)) throw new InvalidRemoteJobError(`job ${id} has malformed sentences`);
  if (typeof priority !== 'string' || !(PRIORITY_CLASSES as readonly string[]).includes(priority)) throw new InvalidRemoteJobError(`job ${id} has unknown priority ${JSON.stringify(priority)}`);
  if (typeof deadline !== 'number' || !Number.isFinite(deadline)) throw new InvalidRemoteJobError(`job ${id} has no deadline`);
  let features;
  try {
    features = decodeFeatures(encoded);
  } catch {
    throw new InvalidRemoteJobError(`job ${id} has unreadable voice features`);
  }
  return { id, voice: { id: voice.id, language: voice.language, features }, sentences, priority: priority as PriorityClass, deadline };
}
