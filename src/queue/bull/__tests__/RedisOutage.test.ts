import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { PcmChunk } from '../../../audio/PcmChunk.ts';
import { createLogger, type Logger } from '../../../log/createLogger.ts';
import { ToneEngine } from '../../../synthesis/engines/tone/ToneEngine.ts';
import { RedisServer } from '../../../../test/support/redisServer.ts';
import { drain, sentences, synthesisJob } from '../../__tests__/synthesisJobs.ts';
import type { SynthesisJob } from '../../SynthesisQueue.ts';
import { BullSynthesisQueue } from '../BullSynthesisQueue.ts';
import { BullSynthesisWorker } from '../BullSynthesisWorker.ts';
import { joinSamples, referenceAudio, silentLogger, until } from './redisTestKit.ts';

const PASSWORD = 'hunter2-redis-secret';

function job(id: string, ...texts: string[]): SynthesisJob {
  return { ...synthesisJob(id, ''), sentences: sentences(...texts) };
}

function capturedLogger(): { logger: Logger; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (data: Buffer) => (text += data.toString('utf8')));
  return { logger: createLogger({ level: 'debug', format: 'json', destination: stream }), text: () => text };
}

describe('Redis going away and coming back', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps a stream and a queued job across a Redis restart, reports the outage, and never logs the password', async () => {
    const redis = await RedisServer.start({ persistent: true, password: PASSWORD });
    cleanups.push(() => redis.dispose());
    const log = capturedLogger();
    const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger: log.logger });
    cleanups.push(() => queue.close());
    const worker = await BullSynthesisWorker.start({ redisUrl: redis.url, engine: new ToneEngine({ chunkDelayMs: 10 }), logger: log.logger, stallIntervalMs: 1000 });
    cleanups.push(() => worker.close());

    const during = job('outage-running', 'A message that is being read aloud while Redis restarts underneath it.');
    const handle = queue.submit(during);
    const iterator = handle.chunks[Symbol.asyncIterator]();
    const received: PcmChunk[] = [];
    for (let i = 0; i < 3; i++) received.push((await iterator.next()).value as PcmChunk);

    await redis.stop();
    await until(() => !queue.stats().connected, 3000, 'the bot to notice the outage');
    // Submitted while Redis is down, with no fallback: waits for Redis rather than being lost.
    const queuedDuringOutage = job('outage-queued', 'Sent while Redis was down.');
    const waiting = queue.submit(queuedDuringOutage);
    expect(queue.stats()).toMatchObject({ connected: false, fallback: 'none', fallbackJobs: 0 });

    await redis.restart();
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) received.push(next.value);
    expect(joinSamples(received)).toEqual((await referenceAudio(during)).samples);
    const later = await drain(waiting.chunks);
    expect(later.error).toBeUndefined();
    expect(joinSamples(later.chunks)).toEqual((await referenceAudio(queuedDuringOutage)).samples);
    await until(() => queue.stats().connected, 3000, 'the bot to reconnect');

    expect(log.text()).toContain('lost the connection to Redis');
    expect(log.text()).toContain('connected to Redis again');
    expect(log.text()).toContain(`127.0.0.1:${redis.port}`);
    expect(log.text()).not.toContain(PASSWORD);
  });

  it('reads new messages in process while Redis is unreachable when the fallback is on', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.dispose());
    const local = new ToneEngine({ chunkDelayMs: 0 });
    const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger: silentLogger(), fallback: { engine: local } });
    cleanups.push(() => queue.close());
    await redis.stop();
    await until(() => !queue.stats().connected, 3000, 'the bot to notice the outage');

    const spoken = job('fallback-1', 'Read by the bot itself.');
    const result = await drain(queue.submit(spoken).chunks);
    expect(result.error).toBeUndefined();
    expect(joinSamples(result.chunks)).toEqual((await referenceAudio(spoken)).samples);
    expect(local.activity.requests).toEqual(['Read by the bot itself.']);
    expect(queue.stats()).toMatchObject({ connected: false, fallback: 'inprocess', fallbackJobs: 1, completed: 1 });

    // Back to the workers once Redis returns.
    await redis.restart();
    await until(() => queue.stats().connected, 3000, 'the bot to reconnect');
    const remote = new ToneEngine({ chunkDelayMs: 0 });
    const worker = await BullSynthesisWorker.start({ redisUrl: redis.url, engine: remote, logger: silentLogger(), stallIntervalMs: 500 });
    cleanups.push(() => worker.close());
    expect((await drain(queue.submit(job('fallback-2', 'Read by a worker.')).chunks)).error).toBeUndefined();
    expect(remote.activity.requests).toEqual(['Read by a worker.']);
    expect(queue.stats().fallbackJobs).toBe(1);
  });

  it('closes promptly while Redis is down, ending waiting jobs as cancelled', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.dispose());
    const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger: silentLogger() });
    await redis.stop();
    await until(() => !queue.stats().connected, 3000, 'the bot to notice the outage');
    const handle = queue.submit(job('closing-1', 'Never read.'));
    const started = Date.now();
    await queue.close();
    expect(Date.now() - started).toBeLessThan(3000);
    const { error } = await drain(handle.chunks);
    expect(error).toMatchObject({ code: 'cancelled' });
    expect(queue.submit(job('closing-2', 'Too late.'))).toBeDefined();
  });

  it('lets a worker stop during an outage even while it is synthesising', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.dispose());
    const engine = new ToneEngine({ chunkDelayMs: 30 });
    const worker = await BullSynthesisWorker.start({ redisUrl: redis.url, engine, logger: silentLogger(), stallIntervalMs: 500, shutdownGraceMs: 100, handBackTimeoutMs: 300 });
    const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger: silentLogger() });
    cleanups.push(() => queue.close());
    const handle = queue.submit(job('outage-stop', 'A message long enough to still be running when Redis goes away.'));
    await handle.chunks[Symbol.asyncIterator]().next();
    await redis.stop();
    const started = Date.now();
    await worker.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(worker.stats()).toMatchObject({ handedBack: 1, running: 0 });
    expect(engine.activity.aborted).toBe(1);
  });

  it('starts disconnected when Redis is not there yet, and connects when it appears', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.dispose());
    await redis.stop();
    const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger: silentLogger(), connectTimeoutMs: 200 });
    cleanups.push(() => queue.close());
    expect(queue.stats().connected).toBe(false);
    const handle = queue.submit(job('early-1', 'Queued before Redis started.'));
    await redis.restart();
    const worker = await BullSynthesisWorker.start({ redisUrl: redis.url, engine: new ToneEngine({ chunkDelayMs: 0 }), logger: silentLogger(), stallIntervalMs: 500 });
    cleanups.push(() => worker.close());
    expect((await drain(handle.chunks)).error).toBeUndefined();
    expect(queue.stats().connected).toBe(true);
  });
});
