import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PcmChunk } from '../../../audio/PcmChunk.ts';
import { ToneEngine } from '../../../synthesis/engines/tone/ToneEngine.ts';
import { CancelledError, ChorusError } from '../../../util/ChorusError.ts';
import { RedisServer } from '../../../../test/support/redisServer.ts';
import { drain, sentences, synthesisJob } from '../../__tests__/synthesisJobs.ts';
import type { SynthesisJob } from '../../SynthesisQueue.ts';
import { BullSynthesisQueue } from '../BullSynthesisQueue.ts';
import { BullSynthesisWorker } from '../BullSynthesisWorker.ts';
import { decodeEntry } from '../ChunkStreamEntry.ts';
import { createBullQueue } from '../createBullQueue.ts';
import { RedisKeys } from '../RedisKeys.ts';
import { toRemoteJobData } from '../RemoteJobData.ts';
import { RemoteSynthesisHandle } from '../RemoteSynthesisHandle.ts';
import { joinSamples, referenceAudio, silentLogger, spawnToneWorker, until } from './redisTestKit.ts';

const STALL_MS = 300;

function job(id: string, ...texts: string[]): SynthesisJob {
  return { ...synthesisJob(id, ''), sentences: sentences(...texts) };
}

describe('BullSynthesisQueue with BullSynthesisWorker on a real redis-server', () => {
  let redis: RedisServer;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
  });
  afterAll(async () => {
    await redis.dispose();
  });

  async function bot(options: { fallback?: ToneEngine } = {}): Promise<BullSynthesisQueue> {
    const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger: silentLogger(), fallback: options.fallback === undefined ? undefined : { engine: options.fallback } });
    cleanups.push(() => queue.close());
    return queue;
  }

  async function worker(engine: ToneEngine, options: { shutdownGraceMs?: number } = {}): Promise<BullSynthesisWorker> {
    const started = await BullSynthesisWorker.start({ redisUrl: redis.url, engine, logger: silentLogger(), stallIntervalMs: STALL_MS, ...options });
    cleanups.push(() => started.close());
    return started;
  }

  it('carries a job bot → worker → bot with the audio sample-for-sample as the engine made it', async () => {
    const queue = await bot();
    await worker(new ToneEngine({ chunkDelayMs: 0 }));
    const spoken = job('flow-1', 'Hello there.', 'Second sentence, a little longer.', '第三句。');
    const handle = queue.submit(spoken);
    const { chunks, error } = await drain(handle.chunks);
    expect(error).toBeUndefined();
    const reference = await referenceAudio(spoken);
    expect(joinSamples(chunks)).toEqual(reference.samples);
    expect([...new Set(chunks.map((chunk) => chunk.sentenceIndex))]).toEqual([0, 1, 2]);
    expect(chunks.every((chunk) => chunk.sampleRate === 24_000)).toBe(true);
    const timings = handle.timings();
    expect(timings.startedAt).toBeGreaterThanOrEqual(timings.submittedAt);
    expect(timings.firstChunkAt).toBeGreaterThanOrEqual(timings.startedAt as number);
    expect(queue.stats()).toMatchObject({ waiting: 0, running: 0, completed: 1, failed: 0, connected: true });
    // The collected stream is deleted; bull's job too (removeOnComplete).
    const admin = new Redis(redis.url);
    await until(async () => (await admin.exists(new RedisKeys().chunks('flow-1'))) === 0, 2000, 'stream deletion');
    admin.disconnect();
  });

  it('streams audio before the job ends, and refuses a second submission of a running id', async () => {
    const queue = await bot();
    await worker(new ToneEngine({ chunkDelayMs: 15 }));
    const handle = queue.submit(job('stream-1', 'A sentence long enough to take a while to speak aloud.'));
    const duplicate = queue.submit(job('stream-1', 'again'));
    const iterator = handle.chunks[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(queue.stats().running).toBe(1);
    expect((await drain(duplicate.chunks)).error).toMatchObject({ code: 'duplicate-job' });
    while (!(await iterator.next()).done);
    expect(queue.stats().completed).toBe(1);
  });

  it('shares jobs between two workers', async () => {
    const queue = await bot();
    const engines = [new ToneEngine({ chunkDelayMs: 5 }), new ToneEngine({ chunkDelayMs: 5 })];
    await Promise.all(engines.map((engine) => worker(engine)));
    const jobs = Array.from({ length: 8 }, (_, i) => job(`share-${i}`, `Message number ${i} for the shared queue.`));
    const results = await Promise.all(jobs.map((spoken) => drain(queue.submit(spoken).chunks)));
    for (const [i, result] of results.entries()) {
      expect(result.error).toBeUndefined();
      expect(joinSamples(result.chunks)).toEqual((await referenceAudio(jobs[i] as SynthesisJob)).samples);
    }
    const done = engines.map((engine) => engine.activity.completed);
    expect(done[0]! + done[1]!).toBe(8);
    expect(done[0]).toBeGreaterThan(0);
    expect(done[1]).toBeGreaterThan(0);
  });

  it('runs waiting jobs in priority-class order', async () => {
    const queue = await bot();
    const low = queue.submit({ ...job('prio-chat', 'chat message'), priority: 'chat' });
    const high = queue.submit({ ...job('prio-super', 'super chat'), priority: 'superChat' });
    const admin = new Redis(redis.url);
    // Both are in Redis before any worker exists.
    await until(async () => (await admin.zcard('chorus:synthesis:priority')) === 2, 2000, 'both jobs queued');
    admin.disconnect();
    const engine = new ToneEngine({ chunkDelayMs: 0 });
    await worker(engine);
    await Promise.all([drain(low.chunks), drain(high.chunks)]);
    expect(engine.activity.requests).toEqual(['super chat', 'chat message']);
  });

  it('redoes the job of a SIGKILLed worker process on another worker and speaks it exactly once', async () => {
    const queue = await bot();
    const dying = spawnToneWorker({ REDIS_URL: redis.url, WORKER_STALL_INTERVAL_MS: String(STALL_MS), TONE_CHUNK_DELAY_MS: '20' });
    cleanups.push(async () => {
      dying.child.kill('SIGKILL');
      await dying.exited;
    });
    await dying.ready;
    const spoken = job('killed-1', 'The first sentence of a message that a worker will not live to finish.', 'And a second sentence after it.');
    const handle = queue.submit(spoken);
    const iterator = handle.chunks[Symbol.asyncIterator]();
    const received: PcmChunk[] = [];
    for (let i = 0; i < 5; i++) {
      const next = await iterator.next();
      expect(next.done).toBe(false);
      received.push(next.value as PcmChunk);
    }
    dying.child.kill('SIGKILL');
    await dying.exited;
    const rescuer = new ToneEngine({ chunkDelayMs: 0 });
    await worker(rescuer);
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) received.push(next.value);
    // Redone from the start by the second worker, yet every sample is there once, in order.
    expect(rescuer.activity.completed).toBe(1);
    expect(handle).toBeInstanceOf(RemoteSynthesisHandle);
    expect((handle as RemoteSynthesisHandle).runs.size).toBe(2);
    expect(joinSamples(received)).toEqual((await referenceAudio(spoken)).samples);
  });

  it('drops a job still queued at its deadline and removes it from Redis', async () => {
    const queue = await bot();
    const handle = queue.submit(synthesisJob('late-1', 'nobody is working', 'chat', Date.now() + 300));
    const { error } = await drain(handle.chunks);
    expect(error).toBeInstanceOf(ChorusError);
    expect((error as ChorusError).code).toBe('deadline-exceeded');
    expect(queue.stats().dropped).toBe(1);
    // A worker that starts afterwards never sees it.
    const engine = new ToneEngine({ chunkDelayMs: 0 });
    await worker(engine);
    const next = await drain(queue.submit(job('after-late', 'on time')).chunks);
    expect(next.error).toBeUndefined();
    expect(engine.activity.requests).toEqual(['on time']);
  });

  it('has the worker drop a job that is already past its deadline when taken, reporting deadline-exceeded', async () => {
    const keys = new RedisKeys();
    const producer = createBullQueue({ redisUrl: redis.url, keys, role: 'test' });
    cleanups.push(() => producer.close(true));
    const expired = synthesisJob('expired-1', 'too late', 'chat', Date.now() - 1000);
    await producer.queue.add(toRemoteJobData(expired), { jobId: expired.id, removeOnComplete: true });
    const engine = new ToneEngine({ chunkDelayMs: 0 });
    const started = await worker(engine);
    await until(() => started.stats().dropped === 1, 3000, 'the worker to drop the job');
    const reader = new Redis(redis.url);
    const entries = await reader.xrangeBuffer(keys.chunks(expired.id), '-', '+');
    reader.disconnect();
    expect(entries).toHaveLength(1);
    const entry = decodeEntry(expired.id, entries[0]![1]);
    expect(entry).toMatchObject({ kind: 'error', code: 'deadline-exceeded', deadline: expired.deadline });
    expect(engine.activity.requests).toEqual([]);
  });

  it('stops the worker engine when a running job is cancelled, and removes a waiting one', async () => {
    const queue = await bot();
    const engine = new ToneEngine({ chunkDelayMs: 20 });
    const started = await worker(engine);
    const running = queue.submit(job('cancel-running', 'A long message that someone will skip before it ends, surely.'));
    const waiting = queue.submit(job('cancel-waiting', 'never spoken'));
    const iterator = running.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    running.cancel();
    waiting.cancel();
    await expect(iterator.next()).rejects.toBeInstanceOf(CancelledError);
    await expect(drain(waiting.chunks)).resolves.toMatchObject({ error: expect.any(CancelledError) });
    await until(() => engine.activity.aborted === 1, 2000, 'the engine to abort');
    // The worker counts the run once the aborted engine stream has unwound, a moment after the abort.
    // It may already have taken the waiting job too; it then sees the cancel mark and skips it.
    await until(() => started.stats().cancelled >= 1, 2000, 'the worker to count the cancelled run');
    // The waiting job never reaches the engine.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(engine.activity.requests).toHaveLength(1);
    expect(queue.stats()).toMatchObject({ cancelled: 2, waiting: 0, running: 0 });
  });

  it('finishes a running job on graceful shutdown, or hands it back after the grace time', async () => {
    const queue = await bot();
    const patient = await worker(new ToneEngine({ chunkDelayMs: 5 }), { shutdownGraceMs: 5000 });
    const finished = queue.submit(job('graceful-1', 'Finished before the worker stops.'));
    const iterator = finished.chunks[Symbol.asyncIterator]();
    const firstChunks: PcmChunk[] = [];
    const first = await iterator.next();
    firstChunks.push(first.value as PcmChunk);
    await patient.close();
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) firstChunks.push(next.value);
    expect(patient.stats()).toMatchObject({ completed: 1, handedBack: 0 });
    expect(joinSamples(firstChunks)).toEqual((await referenceAudio(job('graceful-1', 'Finished before the worker stops.'))).samples);

    const hasty = await worker(new ToneEngine({ chunkDelayMs: 30 }), { shutdownGraceMs: 50 });
    const spoken = job('graceful-2', 'This one takes far longer than the grace time allows.');
    const handedBack = queue.submit(spoken);
    const rest = handedBack.chunks[Symbol.asyncIterator]();
    const received: PcmChunk[] = [(await rest.next()).value as PcmChunk];
    await hasty.close();
    expect(hasty.stats().handedBack).toBe(1);
    await worker(new ToneEngine({ chunkDelayMs: 0 }));
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) received.push(next.value);
    expect(joinSamples(received)).toEqual((await referenceAudio(spoken)).samples);
  });
});
