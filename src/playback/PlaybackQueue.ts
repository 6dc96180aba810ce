import { EventEmitter } from 'node:events';
import { PRIORITY_CLASSES, type PlaybackTargetId, type PriorityClass, type SpeechJob } from '../speech/SpeechJob.ts';
import type { Platform } from '../voices/Voice.ts';
import { ChorusError } from '../util/ChorusError.ts';

/** Why a job left the queue without being (fully) spoken. */
/** `retracted`: the platform withdrew the message (recalled danmaku, deleted super chat) before it was read. */
export const DROP_REASONS = ['queue-full', 'expired', 'cleared', 'skipped', 'retracted'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface JobDrop {
  readonly job: SpeechJob;
  readonly reason: DropReason;
  /** One sentence for logs and the control page. */
  readonly detail: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** A job waiting in the queue, with when it entered. */
export interface QueuedSpeech {
  readonly job: SpeechJob;
  readonly enqueuedAt: number;
}

export type EnqueueResult =
  | { readonly accepted: true; readonly evicted?: SpeechJob }
  | { readonly accepted: false; readonly reason: 'queue-full' | 'duplicate' };

/** Identifies a viewer across the queue (clear by speaker, mute). */
export interface SpeakerKey {
  readonly platform: Platform;
  readonly userId: string;
}

export interface PlaybackQueueOptions {
  readonly target: PlaybackTargetId;
  /** Most jobs waiting at once. Default 50. */
  readonly maxLength?: number;
  /** Per class, the oldest a job may be (from `createdAt`) and still be spoken. Classes not listed never age out. */
  readonly maxAgeMs?: Partial<Readonly<Record<PriorityClass, number>>>;
  /** Clock, for tests of ageing. Default `Date.now`. */
  readonly now?: () => number;
}

export interface PlaybackQueueSnapshotEntry {
  readonly position: number;
  readonly jobId: string;
  readonly speaker: { readonly platform: Platform; readonly userId: string; readonly displayName: string };
  readonly displayText: string;
  readonly voiceId: string;
  readonly priority: PriorityClass;
  readonly ageMs: number;
  readonly msUntilDeadline: number;
}

/** Plain JSON for `/queue` and the control page. */
export interface PlaybackQueueSnapshot {
  readonly target: PlaybackTargetId;
  readonly maxLength: number;
  readonly length: number;
  readonly entries: readonly PlaybackQueueSnapshotEntry[];
}

export interface PlaybackQueueEvents {
  add: [entry: QueuedSpeech];
  drop: [drop: JobDrop];
}

/**
 * One target's utterances waiting to be spoken: ordered by priority class (PRIORITY_CLASSES order), then by
 * `job.weight` (higher first; a super chat's amount), FIFO among equals; bounded in length, with stale jobs dropped when they reach the head. Every job that leaves other
 * than by `take()` is reported once through the `drop` event.
 */
export class PlaybackQueue extends EventEmitter<PlaybackQueueEvents> {
  readonly target: PlaybackTargetId;
  readonly maxLength: number;
  readonly #maxAgeMs: Partial<Readonly<Record<PriorityClass, number>>>;
  readonly #now: () => number;
  /** One FIFO per class, in PRIORITY_CLASSES order. */
  readonly #classes: QueuedSpeech[][] = PRIORITY_CLASSES.map(() => []);
  readonly #ids = new Set<string>();

  constructor(options: PlaybackQueueOptions) {
    super();
    const maxLength = options.maxLength ?? 50;
    if (!Number.isInteger(maxLength) || maxLength < 1) {
      throw new ChorusError('invalid-queue-length', `The playback queue length must be a whole number of at least 1 (got ${maxLength}).`);
    }
    this.target = options.target;
    this.maxLength = maxLength;
    this.#maxAgeMs = options.maxAgeMs ?? {};
    this.#now = options.now ?? Date.now;
  }

  get length(): number {
    return this.#ids.size;
  }

  has(jobId: string): boolean {
    return this.#ids.has(jobId);
  }

  /**
   * Adds a job. When the queue is full, expired jobs are dropped first; if it is still full, the oldest of the
   * lightest jobs of the lowest class present makes room, provided it does not outrank the new job (a higher
   * class, or the same class with a greater weight). Otherwise the new job is refused. Evicted and refused jobs
   * are reported as 'queue-full' drops.
   */
  enqueue(job: SpeechJob): EnqueueResult {
    if (job.target !== this.target) {
      throw new ChorusError('wrong-target', `Message ${job.id} is for "${job.target}" but was sent to the queue of "${this.target}".`);
    }
    if (this.#ids.has(job.id)) return { accepted: false, reason: 'duplicate' };
    let evicted: SpeechJob | undefined;
    if (this.length >= this.maxLength) this.purgeExpired();
    if (this.length >= this.maxLength) {
      const rank = classRank(job.priority);
      const lowest = this.#lowestOccupiedRank();
      const fifo = this.#classes[lowest] as QueuedSpeech[];
      const victimIndex = lightestIndex(fifo);
      const victim = fifo[victimIndex] as QueuedSpeech;
      if (lowest < rank || (lowest === rank && weightOf(victim.job) > weightOf(job))) {
        this.#report(job, 'queue-full', `Not read: the queue is full (${this.maxLength}) with messages more important than "${job.priority}".`);
        return { accepted: false, reason: 'queue-full' };
      }
      fifo.splice(victimIndex, 1);
      this.#ids.delete(victim.job.id);
      evicted = victim.job;
      this.#report(victim.job, 'queue-full', `Not read: the queue was full (${this.maxLength}) and a newer "${job.priority}" message took its place.`);
    }
    const entry: QueuedSpeech = { job, enqueuedAt: this.#now() };
    const fifo = this.#classes[classRank(job.priority)] as QueuedSpeech[];
    // Behind every job at least as heavy: FIFO among equals, and a plain append when nothing sets a weight.
    let at = fifo.length;
    while (at > 0 && weightOf((fifo[at - 1] as QueuedSpeech).job) < weightOf(job)) at -= 1;
    fifo.splice(at, 0, entry);
    this.#ids.add(job.id);
    this.emit('add', entry);
    return evicted ? { accepted: true, evicted } : { accepted: true };
  }

  /**
   * Whether `enqueue` would take a job of this class and weight now (ids aside), by the same rule. Lets a caller
   * skip costly preparation (text front end, voice lookup) of a message that a flood's full queue would refuse.
   * Like `enqueue`, drops expired jobs first when the queue is full.
   */
  wouldAccept(priority: PriorityClass, weight = 0): boolean {
    if (this.length >= this.maxLength) this.purgeExpired();
    if (this.length < this.maxLength) return true;
    const rank = classRank(priority);
    const lowest = this.#lowestOccupiedRank();
    const fifo = this.#classes[lowest] as QueuedSpeech[];
    const victim = fifo[lightestIndex(fifo)] as QueuedSpeech;
    return !(lowest < rank || (lowest === rank && weightOf(victim.job) > weight));
  }

  /** The next job to speak, without removing it. Expired jobs met on the way are dropped. */
  peek(): QueuedSpeech | undefined {
    for (const fifo of this.#classes) {
      while (fifo.length > 0) {
        const head = fifo[0] as QueuedSpeech;
        if (!this.#dropIfExpired(fifo, 0)) return head;
      }
    }
    return undefined;
  }

  /** Removes and returns the next job to speak. Expired jobs met on the way are dropped. */
  take(): QueuedSpeech | undefined {
    const head = this.peek();
    if (!head) return undefined;
    this.#classes[classRank(head.job.priority)]?.shift();
    this.#ids.delete(head.job.id);
    return head;
  }

  /** Removes one waiting job (a skip, a recalled message). Returns whether it was waiting. */
  remove(jobId: string, reason: DropReason = 'skipped'): boolean {
    if (!this.#ids.has(jobId)) return false;
    for (const fifo of this.#classes) {
      const index = fifo.findIndex((entry) => entry.job.id === jobId);
      if (index < 0) continue;
      const [entry] = fifo.splice(index, 1);
      this.#ids.delete(jobId);
      const detail = reason === 'skipped' ? 'Skipped before it was read.' : reason === 'retracted' ? 'Withdrawn on the platform before it was read.' : `Removed (${reason}).`;
      this.#report((entry as QueuedSpeech).job, reason, detail);
      return true;
    }
    return false;
  }

  /** Drops every waiting job, or only one speaker's. Returns the dropped jobs. */
  clear(speaker?: SpeakerKey): SpeechJob[] {
    const dropped: SpeechJob[] = [];
    for (const fifo of this.#classes) {
      for (let i = 0; i < fifo.length; ) {
        const { job } = fifo[i] as QueuedSpeech;
        if (speaker && (job.speaker.platform !== speaker.platform || job.speaker.userId !== speaker.userId)) {
          i += 1;
          continue;
        }
        fifo.splice(i, 1);
        this.#ids.delete(job.id);
        dropped.push(job);
      }
    }
    const detail = speaker ? `Cleared: messages from ${speaker.platform} user ${speaker.userId} were removed.` : 'Cleared: the queue was emptied.';
    for (const job of dropped) this.#report(job, 'cleared', detail);
    return dropped;
  }

  /** Drops every expired job now, wherever it is. Returns how many. */
  purgeExpired(): number {
    let count = 0;
    for (const fifo of this.#classes) {
      for (let i = 0; i < fifo.length; ) {
        if (this.#dropIfExpired(fifo, i)) count += 1;
        else i += 1;
      }
    }
    return count;
  }

  /** Waiting jobs in the order they will be spoken. */
  entries(): QueuedSpeech[] {
    return this.#classes.flat();
  }

  snapshot(): PlaybackQueueSnapshot {
    const now = this.#now();
    const entries = this.entries().map(({ job }, position) => ({
      position,
      jobId: job.id,
      speaker: { platform: job.speaker.platform, userId: job.speaker.userId, displayName: job.speaker.displayName },
      displayText: job.displayText,
      voiceId: job.voiceId,
      priority: job.priority,
      ageMs: now - job.createdAt,
      msUntilDeadline: job.deadline - now,
    }));
    return { target: this.target, maxLength: this.maxLength, length: entries.length, entries };
  }

  #lowestOccupiedRank(): number {
    for (let rank = this.#classes.length - 1; rank >= 0; rank -= 1) {
      if ((this.#classes[rank] as QueuedSpeech[]).length > 0) return rank;
    }
    return -1;
  }

  #dropIfExpired(fifo: QueuedSpeech[], index: number): boolean {
    const { job } = fifo[index] as QueuedSpeech;
    const now = this.#now();
    const maxAge = this.#maxAgeMs[job.priority];
    let detail: string | undefined;
    if (now > job.deadline) {
      detail = `Not read: it passed its deadline ${now - job.deadline} ms ago while waiting.`;
    } else if (maxAge !== undefined && now - job.createdAt > maxAge) {
      detail = `Not read: it waited ${Math.round((now - job.createdAt) / 1000)} s, longer than the ${Math.round(maxAge / 1000)} s allowed for "${job.priority}" messages.`;
    }
    if (detail === undefined) return false;
    fifo.splice(index, 1);
    this.#ids.delete(job.id);
    this.#report(job, 'expired', detail);
    return true;
  }

  #report(job: SpeechJob, reason: DropReason, detail: string): void {
    this.emit('drop', { job, reason, detail, at: this.#now() });
  }
}

function weightOf(job: SpeechJob): number {
  return job.weight ?? 0;
}

/** The oldest of the lightest entries of one class (entries are sorted heaviest first). */
function lightestIndex(fifo: readonly QueuedSpeech[]): number {
  const lightest = weightOf((fifo[fifo.length - 1] as QueuedSpeech).job);
  return fifo.findIndex((entry) => weightOf(entry.job) === lightest);
}

/** Index in PRIORITY_CLASSES: 0 is the most important. An unknown class ranks lowest. */
function classRank(priority: PriorityClass): number {
  const rank = PRIORITY_CLASSES.indexOf(priority);
  return rank < 0 ? PRIORITY_CLASSES.length - 1 : rank;
}
