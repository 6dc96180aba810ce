import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { PcmChunk } from '../../audio/PcmChunk.ts';
import type { Logger } from '../../log/createLogger.ts';
import type { SynthesisEngine } from '../../synthesis/SynthesisEngine.ts';
import { CancelledError } from '../../util/ChorusError.ts';
import { InProcessSynthesisQueue } from '../InProcessSynthesisQueue.ts';
import type { SynthesisHandle, SynthesisJob, SynthesisQueue, SynthesisQueueStats } from '../SynthesisQueue.ts';
import { DeadlineExceededError, DuplicateJobError, QueueClosedError } from '../SynthesisQueueErrors.ts';
import { decodeEntry } from './ChunkStreamEntry.ts';
import { createBullQueue, type BullQueueConnection } from './createBullQueue.ts';
import { RedisKeys } from './RedisKeys.ts';
import { bullPriority, encodedFeaturesOf, toRemoteJobData } from './RemoteJobData.ts';
import { VoiceFeatureUploader } from './VoiceFeatureStore.ts';
import { RemoteSynthesisHandle, type RemoteHandleOutcome } from './RemoteSynthesisHandle.ts';
import { closeRedis, createRedis, describeRedisUrl } from './redisConnection.ts';

export type SynthesisFallback = 'inprocess' | 'none';

export interface BullSynthesisQueueOptions {
  /** Secret: may carry a password. Never logged; logs show `describeRedisUrl`. */
  readonly redisUrl: string;
  readonly logger: Logger;
  /**
   * While Redis is unreachable, new jobs are synthesised on this engine in this process ('inprocess'),
   * or wait for Redis to return ('none', the default). Jobs already in Redis stay there either way.
   */
  readonly fallback?: { readonly engine: SynthesisEngine; readonly concurrency?: number } | undefined;
  /** Tries per job when a worker's engine fails or a worker hands it back on shutdown. Default 3. */
  readonly attempts?: number;
  /** How long start() waits for Redis before carrying on disconnected. Default 3000 ms. */
  readonly connectTimeoutMs?: number;
  readonly keyPrefix?: string;
}

export interface BullSynthesisQueueStats extends SynthesisQueueStats {
  /** Whether the bot can reach Redis right now (for logs and the control page). */
  readonly connected: boolean;
  readonly fallback: SynthesisFallback;
  /** Jobs synthesised in this process because Redis was unreachable when they were submitted. */
  readonly fallbackJobs: number;
}

/** Longest XREAD block: bounds how late close() notices, and how long a lost reply is waited for. */
const READ_BLOCK_MS = 5000;
/** Entries read per XREAD call. */
const READ_COUNT = 256;
/** How long the cancel mark stays, for a worker that takes the job after the cancel message went out. */
const CANCEL_MARK_MS = 600_000;

type QueueState = 'open' | 'closing' | 'closed';

/**
 * The bot's side of scale-out synthesis: submits each job to a bull queue on Redis (job id = the speech job's
 * id, so a job is queued once however often it is submitted) and reads the audio back from the job's Redis
 * Stream as `npm run worker` processes produce it, sentence by sentence.
 *
 * - One blocked XREAD on its own connection reads every open job's stream; submitting a job appends to this
 *   instance's wake stream so the reader includes the new job at once.
 * - At-least-once: a job whose worker died is redone by another; the handle forwards only audio past what it
 *   already forwarded, so the utterance is spoken once (ResumePosition).
 * - Deadlines: a job still queued at its deadline is removed from Redis and fails with `deadline-exceeded`;
 *   workers also drop jobs that are already late when taken.
 * - cancel(): removes a waiting job, and marks + announces it so a worker running it stops.
 * - Redis unreachable: stats say `connected: false`, the outage is logged once, new jobs go to the in-process
 *   fallback if configured or wait for Redis; everything reconnects on its own. Jobs in Redis survive a Redis
 *   restart if Redis persists its data (appendonly yes).
 */
export class BullSynthesisQueue implements SynthesisQueue {
  readonly #logger: Logger;
  readonly #keys: RedisKeys;
  readonly #where: string;
  readonly #commands: Redis;
  readonly #reader: Redis;
  readonly #bull: BullQueueConnection;
  readonly #fallback: InProcessSynthesisQueue | undefined;
  readonly #attempts: number;
  readonly #wakeKey: string;
  #wakeLastId = '0-0';
  /** Open handles by job id (also what the reader reads). */
  readonly #handles = new Map<string, RemoteSynthesisHandle>();
  /** Handles submitted to the fallback while Redis was down, so ids stay unique across both. */
  readonly #fallbackIds = new Set<string>();
  #connected = false;
  #state: QueueState = 'open';
  #readLoop: Promise<void> = Promise.resolve();
  /** Resolves when close() starts: a read waiting on a dead connection is abandoned rather than awaited. */
  readonly #readingStopped: Promise<'stopped'>;
  #stopReading: () => void = () => {};
  readonly #background = new Set<Promise<unknown>>();
  #counts = { completed: 0, failed: 0, cancelled: 0, dropped: 0, fallbackJobs: 0 };
  /** Puts large voice features into Redis once, so jobs carry only their hash. */
  readonly voiceFeatures: VoiceFeatureUploader;

  private constructor(options: BullSynthesisQueueOptions) {
    this.#logger = options.logger;
    this.#keys = new RedisKeys(options.keyPrefix);
    this.#where = describeRedisUrl(options.redisUrl);
    this.#attempts = options.attempts ?? 3;
    this.#commands = createRedis(options.redisUrl, { name: 'chorus-bot' });
    this.#reader = createRedis(options.redisUrl, { name: 'chorus-bot-reader', blocking: true });
    this.voiceFeatures = new VoiceFeatureUploader(this.#commands, this.#keys);
    this.#bull = createBullQueue({ redisUrl: options.redisUrl, keys: this.#keys, role: 'bot', commands: this.#commands });
    this.#fallback = options.fallback === undefined ? undefined : new InProcessSynthesisQueue(options.fallback);
    this.#wakeKey = this.#keys.wake(randomUUID());
    this.#readingStopped = new Promise((resolve) => (this.#stopReading = () => resolve('stopped')));
    this.#watchConnection();
    // A job that stalled more than bull allows is failed by a worker's stall check, and no worker writes its
    // stream; append the failure so the reader delivers it after whatever audio came first.
    this.#bull.queue.on('global:failed', (jobId: string | number, reason: string) => {
      const id = String(jobId);
      if (!this.#handles.has(id)) return;
      const message = `Message ${id} could not be read: ${reason}. The workers handling it stopped or crashed; check their logs.`;
      this.#track(this.#commands.xadd(this.#keys.chunks(id), '*', 'kind', 'error', 'run', 'bot', 'code', 'synthesis-failed', 'message', message));
    });
    this.#bull.queue.on('error', () => {});
  }

  /** Connects (waiting briefly for Redis; if it is not there yet, starts disconnected and keeps trying). */
  static async start(options: BullSynthesisQueueOptions): Promise<BullSynthesisQueue> {
    const queue = new BullSynthesisQueue(options);
    const ready = new Promise<void>((resolve) => {
      if (queue.#connected) resolve();
      else queue.#commands.once('ready', () => resolve());
    });
    const timeout = delay(options.connectTimeoutMs ?? 3000, undefined, { ref: false });
    await Promise.race([ready, timeout]);
    queue.#readLoop = queue.#read();
    if (queue.#connected) options.logger.info({ redis: queue.#where }, 'synthesis jobs go to workers through Redis');
    return queue;
  }

  get connected(): boolean {
    return this.#connected;
  }

  submit(job: SynthesisJob, signal?: AbortSignal): SynthesisHandle {
    const handle = new RemoteSynthesisHandle(job, {
      onCancel: (target, error) => this.#cancelRemote(target, error),
      onEnd: (target, outcome) => this.#ended(target, outcome),
    });
    if (this.#state !== 'open') {
      handle.fail(new QueueClosedError(job.id), 'refused');
      return handle;
    }
    if (this.#handles.has(job.id) || this.#fallbackIds.has(job.id)) {
      handle.fail(new DuplicateJobError(job.id), 'refused');
      return handle;
    }
    if (signal?.aborted) {
      handle.fail(new CancelledError(`Reading message ${job.id} was cancelled before it was queued.`), 'cancelled');
      return handle;
    }
    const now = Date.now();
    if (job.deadline <= now) {
      handle.fail(new DeadlineExceededError(job.id, job.deadline, now), 'dropped');
      return handle;
    }
    if (!this.#connected && this.#fallback !== undefined) return this.#submitToFallback(job, signal);

    this.#handles.set(job.id, handle);
    if (signal) {
      const onAbort = (): void => handle.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      handle.detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
    handle.deadlineTimer = setTimeout(() => this.#expire(handle), Math.min(job.deadline - now, 2_147_483_647));
    handle.deadlineTimer.unref();
    this.#track(this.#enqueue(handle));
    return handle;
  }

  stats(): BullSynthesisQueueStats {
    let waiting = 0;
    let running = 0;
    for (const handle of this.#handles.values()) {
      if (handle.state === 'queued') waiting += 1;
      else if (handle.state === 'running') running += 1;
    }
    const local = this.#fallback?.stats();
    const { fallbackJobs, ...counts } = this.#counts;
    return {
      waiting: waiting + (local?.waiting ?? 0),
      running: running + (local?.running ?? 0),
      completed: counts.completed + (local?.completed ?? 0),
      failed: counts.failed + (local?.failed ?? 0),
      cancelled: counts.cancelled + (local?.cancelled ?? 0),
      dropped: counts.dropped + (local?.dropped ?? 0),
      connected: this.#connected,
      fallback: this.#fallback === undefined ? 'none' : 'inprocess',
      fallbackJobs,
    };
  }

  /** Cancels every open job (removing it from Redis), stops reading, and closes the connections. */
  async close(): Promise<void> {
    if (this.#state !== 'open') {
      while (this.#state !== 'closed') await delay(10);
      return;
    }
    this.#state = 'closing';
    for (const handle of [...this.#handles.values()]) handle.cancelWith(new QueueClosedError(handle.jobId));
    await this.#fallback?.close();
    // Let the cancellations reach Redis if it is there; do not wait on an outage.
    if (this.#connected) await Promise.race([Promise.allSettled([...this.#background]), delay(2000, undefined, { ref: false })]);
    this.#stopReading();
    this.#reader.disconnect();
    await this.#readLoop;
    await this.#bull.close(true);
    await Promise.all([closeRedis(this.#reader), closeRedis(this.#commands)]);
    this.#state = 'closed';
  }

  #watchConnection(): void {
    let everConnected = false;
    this.#commands.on('ready', () => {
      this.#connected = true;
      if (everConnected) this.#logger.info({ redis: this.#where }, 'connected to Redis again; synthesis jobs go to the workers');
      everConnected = true;
    });
    const lost = (reason: string): void => {
      if (!this.#connected && everConnected) return;
      const wasConnected = this.#connected;
      this.#connected = false;
      if (this.#state !== 'open') return;
      const what = this.#fallback === undefined ? 'new messages wait for it' : 'new messages are read by the engine in this process until it returns';
      if (wasConnected) this.#logger.warn({ redis: this.#where, reason }, `lost the connection to Redis; ${what}`);
      else if (!everConnected) {
        everConnected = true;
        this.#logger.warn({ redis: this.#where, reason }, `cannot reach Redis; ${what}; retrying`);
      }
    };
    this.#commands.on('error', (error: Error) => lost(error.message));
    this.#commands.on('close', () => lost('connection closed'));
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.#logger.debug({ err: error }, 'a Redis call for the synthesis queue failed'));
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }

  #submitToFallback(job: SynthesisJob, signal: AbortSignal | undefined): SynthesisHandle {
    const fallback = this.#fallback as InProcessSynthesisQueue;
    this.#counts.fallbackJobs += 1;
    this.#fallbackIds.add(job.id);
    const handle = fallback.submit(job, signal);
    const ids = this.#fallbackIds;
    // The id is freed when the stream ends, whichever way, by wrapping the handle's iteration.
    const chunks: AsyncIterable<PcmChunk> = {
      [Symbol.asyncIterator]: () => {
        const inner = handle.chunks[Symbol.asyncIterator]();
        return {
          next: async () => {
            try {
              const result = await inner.next();
              if (result.done === true) ids.delete(job.id);
              return result;
            } catch (error) {
              ids.delete(job.id);
              throw error;
            }
          },
          return: async () => {
            ids.delete(job.id);
            return (await inner.return?.()) ?? { value: undefined, done: true };
          },
        };
      },
    };
    return {
      jobId: handle.jobId,
      chunks,
      cancel: () => {
        ids.delete(job.id);
        handle.cancel();
      },
      timings: () => handle.timings(),
    };
  }

  async #enqueue(handle: RemoteSynthesisHandle): Promise<void> {
    const { job } = handle;
    // A previous life of this id (cancelled, or finished and collected) must not leak into this one; then
    // wake the reader so it reads the new job's stream from now on.
    await this.#commands
      .multi()
      .del(this.#keys.cancel(job.id))
      .del(this.#keys.chunks(job.id))
      .xadd(this.#wakeKey, 'MAXLEN', '~', '16', '*', 'job', job.id)
      .pexpire(this.#wakeKey, 86_400_000)
      .exec();
    // A function, not a narrowed property: the state changes while we await (a cancel ends the handle).
    const ended = (): boolean => handle.state === 'ended';
    if (ended()) return;
    const features = await this.voiceFeatures.reference(encodedFeaturesOf(job));
    if (ended()) return;
    await this.#bull.queue.add(toRemoteJobData(job, features), {
      jobId: job.id,
      priority: bullPriority(job.priority),
      attempts: this.#attempts,
      backoff: { type: 'fixed', delay: 100 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async #read(): Promise<void> {
    while (this.#state === 'open') {
      const open = [...this.#handles.values()];
      const keys = [this.#wakeKey, ...open.map((handle) => this.#keys.chunks(handle.jobId))];
      const ids = [this.#wakeLastId, ...open.map((handle) => handle.lastEntryId)];
      let reply: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        // While Redis is down the command waits in ioredis's offline queue, and a disconnect does not always
        // reject it: race it against close().
        const read = this.#reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', ...keys, ...ids) as Promise<[Buffer, [Buffer, Buffer[]][]][] | null>;
        read.catch(() => {});
        const result = await Promise.race([read, this.#readingStopped]);
        if (result === 'stopped') return;
        reply = result;
      } catch {
        if (this.#state !== 'open') return;
        // Connection lost: ioredis reconnects; try again shortly rather than spinning.
        await delay(100);
        continue;
      }
      if (reply === null) continue;
      const byKey = new Map(open.map((handle) => [this.#keys.chunks(handle.jobId), handle]));
      for (const [keyBuffer, entries] of reply) {
        const key = keyBuffer.toString('utf8');
        if (key === this.#wakeKey) {
          const last = entries.at(-1);
          if (last !== undefined) this.#wakeLastId = last[0].toString('utf8');
          continue;
        }
        const handle = byKey.get(key);
        if (handle === undefined) continue;
        for (const [entryId, fields] of entries) {
          handle.lastEntryId = entryId.toString('utf8');
          try {
            handle.receive(decodeEntry(handle.jobId, fields));
          } catch (error) {
            handle.fail(error, 'failed');
          }
          if (handle.state === 'ended') break;
        }
      }
    }
  }

  #ended(handle: RemoteSynthesisHandle, outcome: RemoteHandleOutcome): void {
    if (this.#handles.get(handle.jobId) === handle) this.#handles.delete(handle.jobId);
    if (outcome === 'refused') return;
    this.#counts[outcome] += 1;
    if (outcome === 'completed' || outcome === 'failed' || outcome === 'dropped') {
      // Collected: the stream is no longer needed (a late run of a redone job re-creates it with a TTL).
      if (this.#connected) this.#track(this.#commands.del(this.#keys.chunks(handle.jobId)));
    }
    if (outcome === 'failed' && handle.runs.size > 0) this.#logger.debug({ job: handle.jobId, runs: handle.runs.size }, 'remote synthesis failed');
  }

  #cancelRemote(handle: RemoteSynthesisHandle, _error: CancelledError): void {
    const id = handle.jobId;
    this.#track(
      (async () => {
        await this.#commands.multi().set(this.#keys.cancel(id), '1', 'PX', CANCEL_MARK_MS).publish(this.#keys.cancelChannel, id).del(this.#keys.chunks(id)).exec();
        const queued = await this.#bull.queue.getJob(id);
        // A running job is locked and cannot be removed; the cancel message stops it instead.
        if (queued !== null) await queued.remove().catch(() => {});
      })(),
    );
  }

  /** Deadline reached: a job still queued is taken out of Redis (if no worker has locked it meanwhile) and dropped. */
  #expire(handle: RemoteSynthesisHandle): void {
    if (handle.state !== 'queued') return;
    const id = handle.jobId;
    const drop = (): void => handle.fail(new DeadlineExceededError(id, handle.job.deadline, Date.now()), 'dropped');
    if (!this.#connected) {
      // Redis is away: drop it here; a worker that gets it later drops it too (its deadline has passed).
      drop();
      return;
    }
    this.#track(
      (async () => {
        const queued = await this.#bull.queue.getJob(id);
        if (queued === null) {
          drop();
          return;
        }
        try {
          await queued.remove();
          drop();
        } catch {
          // Locked by a worker that took it just in time: its stream decides (start, or a deadline error).
        }
      })(),
    );
  }
}
