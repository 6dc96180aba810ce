import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../../test/support/redisServer.ts';
import { drain, synthesisJob } from '../../__tests__/synthesisJobs.ts';
import { BullSynthesisQueue } from '../BullSynthesisQueue.ts';
import { joinSamples, referenceAudio, silentLogger, spawnToneWorker } from './redisTestKit.ts';

const WORKER_MAIN = fileURLToPath(new URL('../../../worker/main.ts', import.meta.url));
const PASSWORD = 'worker-side-secret-42';

describe('npm run worker (src/worker/main.ts)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start({ password: PASSWORD });
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it('takes jobs from the bot, then stops cleanly on SIGTERM without ever logging the password', async () => {
    const worker = spawnToneWorker({ REDIS_URL: redis.url, WORKER_CONCURRENCY: '2' }, WORKER_MAIN);
    try {
      await worker.ready;
      const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger: silentLogger() });
      const job = synthesisJob('main-1', 'Spoken by a separate worker process.');
      const result = await drain(queue.submit(job).chunks);
      await queue.close();
      expect(result.error).toBeUndefined();
      expect(joinSamples(result.chunks)).toEqual((await referenceAudio(job)).samples);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.output()).toContain('"concurrency":2');
      expect(worker.output()).toContain('worker stopped');
      expect(worker.output()).toContain(`127.0.0.1:${redis.port}`);
      expect(worker.output()).not.toContain(PASSWORD);
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('refuses to start without REDIS_URL, saying what to set', async () => {
    const worker = spawnToneWorker({}, WORKER_MAIN);
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('REDIS_URL');
  });

  it('refuses a malformed REDIS_URL without echoing it', async () => {
    const worker = spawnToneWorker({ REDIS_URL: `http://:${PASSWORD}@127.0.0.1:1` }, WORKER_MAIN);
    expect(await worker.exited).toBe(2);
    expect(worker.output()).toContain('REDIS_URL: expected a Redis URL');
    expect(worker.output()).not.toContain(PASSWORD);
  });
});
