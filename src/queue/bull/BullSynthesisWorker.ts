import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type Bull from 'bull';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log/createLogger.ts';
import type { SynthesisEngine } from '../../synthesis/SynthesisEngine.ts';
import { CancelledError, ChorusError } from '../../util/ChorusError.ts';
import type { SynthesisJob } from '../SynthesisQueue.ts';
import { DeadlineExceededError, SynthesisFailedError } from '../SynthesisQueueErrors.ts';
import { encodeEntry, type ChunkStreamEntry } from './ChunkStreamEntry.ts';
import { ChunkStreamWriter } from './ChunkStreamWriter.ts';
import { createBullQueue, type BullQueueConnection } from './createBullQueue.ts';
import { RedisKeys } from './RedisKeys.ts';
import { featuresKeyOf, fromRemoteJobData, type RemoteJobData } from './RemoteJobData.ts';
import { VoiceFeatureCache } from './VoiceFeatureStore.ts';
import { MissingVoiceFeaturesError } from './BullQueueErrors.ts';
import { closeRedis, createRedis, describeRedisUrl } from './redisConnection.ts';

export interface BullSynthesisWorkerOptions {
  /** Secret: may carry a password. Never logged; logs show `describeRedisUrl`. */
  readonly redisUrl: string;
  readonly engine: SynthesisEngine;
  readonly logger: Logger;
  /** Jobs this worker synthesises at once. Default 1. */
  readonly concurrency?: number;
  /**
   * How soon a job whose worker died is given to another worker: its lock lasts this long without renewal,
   * and live workers look for such jobs this often. Default 5000 ms. Must match across workers.
   */
  readonly stallIntervalMs?: number;
  /** On close, how long running jobs may take to finish before they are handed back. Default 8000 ms. */
  readonly shutdownGraceMs?: number;
  /** After the grace time, how long handing jobs back may take (it needs Redis) before the worker stops anyway. Default 3000 ms. */
  readonly handBackTimeoutMs?: number;
  /** How long a job's audio stream stays in Redis after its last write, if the bot never collects it. Default 10 min. */
  readonly streamTtlMs?: number;
  readonly keyPrefix?: string;
}

export interface BullSynthesisWorkerStats {
  readonly running: number;
  readonly completed: number;
  /** Attempts that threw (bull retries them while attempts remain). */
  readonly failed: number;
  readonly cancelled: number;
  /** Dropped unread: their deadline had passed when this worker took them. */
  readonly dropped: number;
  /** Stopped by shutdown and given back to the queue for another worker. */
  readonly handedBack: number;
}

export type WorkerStatus = 'running' | 'draining' | 'closed';

/** Why a run's engine was stopped, so the handler ends the bull job the right way. */
type StopReason = { readonly kind: 'cancelled' } | { readonly kind: 'handBack' };

interface ActiveRun {
  readonly jobId: string;
  readonly abort: AbortController;
  stop: StopReason | undefined;
}

/** The job result bull stores (small: the audio went through the stream). */
interface RunResult {
  readonly outcome: 'completed' | 'cancelled' | 'dropped' | 'invalid';
  readonly run: string;
}

/** Thrown out of a handed-back run so bull puts the job back on the queue (counts as one attempt). */
export class WorkerShuttingDownError extends ChorusError {
  constructor(jobId: string) {
    super('worker-shutdown', `A synthesis worker shut down while reading message ${jobId}; the job was handed back to the queue.`);
  }
}

/**
 * The worker side of the Redis queue (`npm run worker`): takes synthesis jobs from bull, runs them on the
 * engine, and appends each chunk to the job's Redis Stream as soon as the engine yields it, then an `end`
 * (or `error`) entry. See BullSynthesisQueue for the bot side and ChunkStreamEntry for the stream format.
 *
 * - Jobs past their deadline when taken are dropped unread and reported with code `deadline-exceeded`
 *   (unless an earlier run had already started: a redo always finishes what was started). Deadlines come
 *   from the bot's clock, so machines running workers should keep their clocks synchronised (NTP).
 * - A cancel message on the cancel channel aborts the job's engine stream.
 * - close(): stops taking jobs, lets running ones finish within the grace time, then aborts them and hands
 *   them back (bull retries them elsewhere).
 *
 * State machine: running → draining (close called) → closed.
 */
export class BullSynthesisWorker {
  readonly #engine: SynthesisEngine;
  readonly #logger: Logger;
  readonly #keys: RedisKeys;
  readonly #commands: Redis;
  /** Voice features jobs name by hash, kept for the next message in the same voice. */
  readonly voiceFeatures: VoiceFeatureCache;
  readonly #cancels: Redis;
  readonly #bull: BullQueueConnection;
  readonly #concurrency: number;
  readonly #shutdownGraceMs: number;
  readonly #handBackTimeoutMs: number;
  readonly #streamTtlMs: number;
  readonly #runs = new Map<string, ActiveRun>();
  #status: WorkerStatus = 'running';
  #closing: Promise<void> | undefined;
  #counts = { completed: 0, failed: 0, cancelled: 0, dropped: 0, handedBack: 0 };

  private constructor(options: BullSynthesisWorkerOptions) {
    const concurrency = options.concurrency ?? 1;
    const stallIntervalMs = options.stallIntervalMs ?? 5000;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ChorusError('invalid-concurrency', `Worker concurrency must be a whole number of at least 1 (got ${concurrency}).`);
    }
    if (!Number.isFinite(stallIntervalMs) || stallIntervalMs < 100) {
      throw new ChorusError('invalid-stall-interval', `The worker stall interval must be at least 100 ms (got ${stallIntervalMs}).`);
    }
    this.#engine = options.engine;
    this.#logger = options.logger;
    this.#keys = new RedisKeys(options.keyPrefix);
    this.#concurrency = concurrency;
    this.#shutdownGraceMs = options.shutdownGraceMs ?? 8000;
    this.#handBackTimeoutMs = options.handBackTimeoutMs ?? 3000;
    this.#streamTtlMs = options.streamTtlMs ?? 600_000;
    this.#commands = createRedis(options.redisUrl, { name: 'chorus-worker' });
    this.voiceFeatures = new VoiceFeatureCache(this.#commands, this.#keys);
    this.#cancels = createRedis(options.redisUrl, { name: 'chorus-worker-cancels', blocking: true });
    this.#bull = createBullQueue({
      redisUrl: options.redisUrl,
      keys: this.#keys,
      role: 'worker',
      commands: this.#commands,
      settings: {
        lockDuration: stallIntervalMs,
        lockRenewTime: Math.max(50, Math.floor(stallIntervalMs / 2)),
        stalledInterval: stallIntervalMs,
        // A job whose worker dies twice is probably killing its workers (e.g. out of memory): fail it.
        maxStalledCount: 2,
        // After a Redis outage, look for work again soon rather than after bull's default 5 s.
        retryProcessDelay: 500,
      },
    });
    const where = describeRedisUrl(options.redisUrl);
    let down = false;
    this.#commands.on('error', (error: Error) => {
      if (down) return;
      down = true;
      this.#logger.warn({ redis: where, reason: error.message }, 'lost the connection to Redis; running jobs pause until it returns');
    });
    this.#commands.on('ready', () => {
      if (!down) return;
      down = false;
      this.#logger.info({ redis: where }, 'connected to Redis again');
    });
    // bull re-emits connection errors; the listener above already reported them once per outage.
    this.#bull.queue.on('error', () => {});
    this.#bull.queue.on('lock-extension-failed', (job: Bull.Job<RemoteJobData>) => {
      this.#logger.warn({ job: String(job.id) }, 'could not renew a job lock; another worker may redo this job (the bot speaks it once)');
    });
  }

  /** Connects and starts taking jobs. */
  static async start(options: BullSynthesisWorkerOptions): Promise<BullSynthesisWorker> {
    const worker = new BullSynthesisWorker(options);
    await worker.#cancels.subscribe(worker.#keys.cancelChannel);
    worker.#cancels.on('message', (_channel: string, jobId: string) => worker.#stopRuns(jobId, { kind: 'cancelled' }));
    // process() resolves only when the queue closes; errors surface as 'error' events.
    void worker.#bull.queue.process(worker.#concurrency, (job) => worker.#process(job)).catch(() => {});
    options.logger.info({ redis: describeRedisUrl(options.redisUrl), engine: options.engine.id, concurrency: worker.#concurrency }, 'synthesis worker waiting for jobs');
    return worker;
  }

  get status(): WorkerStatus {
    return this.#status;
  }

  stats(): BullSynthesisWorkerStats {
    return { running: this.#runs.size, ...this.#counts };
  }

  /**
   * Graceful shutdown: takes no new jobs, waits up to the grace time for running ones, then hands the rest
   * back to the queue. Does not close the engine.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#status = 'draining';
    const closed = this.#bull.close();
    const graceOver = delay(this.#shutdownGraceMs, 'grace-over' as const, { ref: false });
    if ((await Promise.race([closed.then(() => 'closed' as const), graceOver])) === 'grace-over') {
      for (const run of this.#runs.values()) this.#stop(run, { kind: 'handBack' });
      // Handing back needs Redis. If it is away, stop anyway: the job's lock expires and another worker's
      // stall check puts it back on the queue.
      const handedBack = await Promise.race([closed.then(() => true), delay(this.#handBackTimeoutMs, false, { ref: false })]);
      if (!handedBack) {
        this.#logger.warn({ running: this.#runs.size }, 'could not hand jobs back (Redis unreachable); they return to the queue when their locks expire');
        this.#bull.disconnect();
      }
    }
    await Promise.all([closeRedis(this.#cancels), closeRedis(this.#commands)]);
    this.#status = 'closed';
  }

  #stopRuns(jobId: string, reason: StopReason): void {
    for (const run of this.#runs.values()) if (run.jobId === jobId) this.#stop(run, reason);
  }

  #stop(run: ActiveRun, reason: StopReason): void {
    if (run.stop !== undefined) return;
    run.stop = reason;
    run.abort.abort(new CancelledError(reason.kind === 'cancelled' ? `Reading message ${run.jobId} was cancelled.` : `Reading message ${run.jobId} was handed back.`));
  }

  /**
   * Appends an entry and waits for Redis to confirm it. The TTL is set with the start, end and error
   * entries: a stream the bot never collects cleans itself up. (Chunks go through ChunkStreamWriter.)
   */
  async #append(stream: string, entry: ChunkStreamEntry): Promise<void> {
    const results = await this.#commands.multi().xadd(stream, '*', ...encodeEntry(entry)).pexpire(stream, this.#streamTtlMs).exec();
    const failure = results?.find(([error]) => error !== null)?.[0];
    if (failure) throw failure;
  }

  async #process(job: Bull.Job<RemoteJobData>): Promise<RunResult> {
    const run = randomUUID();
    const jobId = String(job.id);
    const stream = this.#keys.chunks(jobId);
    let synthesisJob: SynthesisJob;
    try {
      const featuresKey = featuresKeyOf(job.data);
      const fetched = featuresKey === undefined ? undefined : await this.voiceFeatures.get(featuresKey);
      if (featuresKey !== undefined && fetched === undefined) throw new MissingVoiceFeaturesError(jobId);
      synthesisJob = fromRemoteJobData(job.data, fetched);
    } catch (error) {
      const problem = error instanceof ChorusError ? error : new ChorusError('invalid-remote-job', String(error));
      this.#logger.error({ job: jobId, err: problem }, 'could not read a synthesis job');
      await this.#append(stream, { kind: 'error', run, code: problem.code, message: problem.message });
      this.#counts.failed += 1;
      return { outcome: 'invalid', run };
    }

    const checks = await this.#commands.multi().exists(this.#keys.cancel(jobId)).exists(stream).exec();
    const cancelledEarly = checks?.[0]?.[1] === 1;
    const redo = checks?.[1]?.[1] === 1;
    if (cancelledEarly) {
      this.#counts.cancelled += 1;
      return { outcome: 'cancelled', run };
    }
    const now = Date.now();
    if (!redo && synthesisJob.deadline <= now) {
      const expired = new DeadlineExceededError(jobId, synthesisJob.deadline, now);
      await this.#append(stream, { kind: 'error', run, code: expired.code, message: expired.message, deadline: synthesisJob.deadline });
      this.#counts.dropped += 1;
      this.#logger.info({ job: jobId, lateMs: now - synthesisJob.deadline }, 'dropped a job past its deadline');
      return { outcome: 'dropped', run };
    }

    const active: ActiveRun = { jobId, abort: new AbortController(), stop: undefined };
    this.#runs.set(run, active);
    if (this.#status !== 'running') this.#stop(active, { kind: 'handBack' });
    try {
      await this.#append(stream, { kind: 'start', run, redo });
      const writer = new ChunkStreamWriter(run, (entry) => this.#commands.xadd(stream, '*', ...encodeEntry(entry)));
      const chunks = this.#engine.synthesize({ sentences: synthesisJob.sentences, voice: synthesisJob.voice, signal: active.abort.signal });
      for await (const chunk of chunks) {
        if (active.stop !== undefined) break;
        writer.write(chunk);
      }
      if (active.stop === undefined) {
        await writer.finish();
        await this.#append(stream, { kind: 'end', run });
        this.#counts.completed += 1;
        return { outcome: 'completed', run };
      }
      throw active.abort.signal.reason;
    } catch (error) {
      return await this.#ended(job, run, active, stream, error);
    } finally {
      this.#runs.delete(run);
    }
  }

  /** Decides how a run that did not complete ends in bull: done (cancelled), or thrown so bull retries it. */
  async #ended(job: Bull.Job<RemoteJobData>, run: string, active: ActiveRun, stream: string, error: unknown): Promise<RunResult> {
    const jobId = active.jobId;
    if (active.stop?.kind === 'cancelled') {
      // The bot deleted the stream on cancel; chunks sent meanwhile may have re-created it: let it expire.
      await this.#commands.pexpire(stream, this.#streamTtlMs).catch(() => {});
      this.#counts.cancelled += 1;
      return { outcome: 'cancelled', run };
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (active.stop?.kind === 'handBack') {
      this.#counts.handedBack += 1;
      const handedBack = new WorkerShuttingDownError(jobId);
      this.#logger.info({ job: jobId, lastAttempt }, 'handed a running job back to the queue');
      if (lastAttempt) await this.#append(stream, { kind: 'error', run, code: handedBack.code, message: handedBack.message }).catch(() => {});
      throw handedBack;
    }
    this.#counts.failed += 1;
    const failure = error instanceof SynthesisFailedError ? error : new SynthesisFailedError(jobId, this.#engine.id, error);
    this.#logger.error({ job: jobId, err: error, lastAttempt }, 'synthesis failed%s', lastAttempt ? '' : '; bull will retry it');
    // Only the last attempt tells the bot: earlier ones are retried, and the retry resumes the audio.
    if (lastAttempt) await this.#append(stream, { kind: 'error', run, code: failure.code, message: failure.message }).catch(() => {});
    throw failure;
  }
}
