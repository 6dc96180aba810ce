import { PRIORITY_CLASSES, type PriorityClass } from '../../speech/SpeechJob.ts';
import type { Sentence } from '../../text/TextPart.ts';
import { decodeFeatures, encodeFeatures } from '../../voices/featuresJson.ts';
import type { SynthesisJob } from '../SynthesisQueue.ts';
import { InvalidRemoteJobError } from './BullQueueErrors.ts';

/** Bumped when the shape changes, so an old worker refuses a new job clearly instead of misreading it. */
export const REMOTE_JOB_FORMAT = 1;

/**
 * A SynthesisJob as bull stores it (JSON). The voice's engine features travel as a string in the voice
 * store's own encoding, which keeps typed arrays (GPT-SoVITS reference data) intact: a worker on another
 * machine has no access to the bot's disk.
 */
export interface RemoteJobData {
  readonly format: typeof REMOTE_JOB_FORMAT;
  readonly id: string;
  readonly voice: { readonly id: string; readonly language: SynthesisJob['voice']['language']; readonly features: string };
  readonly sentences: readonly Sentence[];
  readonly priority: PriorityClass;
  readonly deadline: number;
}

export function toRemoteJobData(job: SynthesisJob): RemoteJobData {
  return {
    format: REMOTE_JOB_FORMAT,
    id: job.id,
    voice: { id: job.voice.id, language: job.voice.language, features: encodeFeatures(job.voice.features) },
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

/** Checks what a worker took from Redis and rebuilds the SynthesisJob; throws InvalidRemoteJobError. */
export function fromRemoteJobData(data: unknown): SynthesisJob {
  if (!isRecord(data)) throw new InvalidRemoteJobError('not an object');
  if (data.format !== REMOTE_JOB_FORMAT) throw new InvalidRemoteJobError(`format ${JSON.stringify(data.format)}, this worker reads format ${REMOTE_JOB_FORMAT}`);
  const { id, voice, sentences, priority, deadline } = data;
  if (typeof id !== 'string' || id === '') throw new InvalidRemoteJobError('no job id');
  if (!isRecord(voice) || typeof voice.id !== 'string' || (voice.language !== 'zh' && voice.language !== 'en') || typeof voice.features !== 'string') {
    throw new InvalidRemoteJobError(`job ${id} has no usable voice`);
  }
  if (!Array.isArray(sentences) || !sentences.every(isSentence)) throw new InvalidRemoteJobError(`job ${id} has malformed sentences`);
  if (typeof priority !== 'string' || !(PRIORITY_CLASSES as readonly string[]).includes(priority)) throw new InvalidRemoteJobError(`job ${id} has unknown priority ${JSON.stringify(priority)}`);
  if (typeof deadline !== 'number' || !Number.isFinite(deadline)) throw new InvalidRemoteJobError(`job ${id} has no deadline`);
  let features;
  try {
    features = decodeFeatures(voice.features);
  } catch {
    throw new InvalidRemoteJobError(`job ${id} has unreadable voice features`);
  }
  return { id, voice: { id: voice.id, language: voice.language, features }, sentences, priority: priority as PriorityClass, deadline };
}
