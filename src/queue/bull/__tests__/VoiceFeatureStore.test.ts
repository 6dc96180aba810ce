import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToneEngine } from '../../../synthesis/engines/tone/ToneEngine.ts';
import { RedisServer } from '../../../../test/support/redisServer.ts';
import { drain, sentences } from '../../__tests__/synthesisJobs.ts';
import type { SynthesisJob } from '../../SynthesisQueue.ts';
import { BullSynthesisQueue } from '../BullSynthesisQueue.ts';
import { BullSynthesisWorker } from '../BullSynthesisWorker.ts';
import { createBullQueue } from '../createBullQueue.ts';
import { RedisKeys } from '../RedisKeys.ts';
import { featuresHash, VOICE_FEATURES_TTL_MS } from '../VoiceFeatureStore.ts';
import { encodedFeaturesOf, type RemoteJobData } from '../RemoteJobData.ts';
import { joinSamples, referenceAudio, silentLogger, until } from './redisTestKit.ts';

/** A voice as GPT-SoVITS stores it: ~640 KB of reference audio among its features. */
const reference = Int16Array.from({ length: 320_000 }, (_, i) => Math.round(8000 * Math.sin(i / 7)));
const neuralVoice: SynthesisJob['voice'] = { id: 'voice-neural', language: 'zh', features: { 'gpt-sovits': { format: 'gpt-sovits-v2/1', referenceAudio32k: reference, promptTokens: Int16Array.from([1, 2, 3]) } } };
const smallVoice: SynthesisJob['voice'] = { id: 'voice-small', language: 'en', features: { builtin: { version: 3, speed: 1.1 } } };

const job = (id: string, voice: SynthesisJob['voice'], text = 'Hello there.'): SynthesisJob => ({ id, voice, sentences: sentences(text), priority: 'chat', deadline: Date.now() + 60_000 });

describe('voice features through Redis by reference', () => {
  let redis: RedisServer;
  let admin: Redis;
  const keys = new RedisKeys();
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await admin.flushall();
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.dispose();
  });

  const bot = async (): Promise<BullSynthesisQueue> => {
    const queue = await BullSynthesisQueue.start({ redisUrl: redis.url, logger: silentLogger() });
    cleanups.push(() => queue.close());
    return queue;
  };
  const worker = async (): Promise<BullSynthesisWorker> => {
    const started = await BullSynthesisWorker.start({ redisUrl: redis.url, engine: new ToneEngine({ chunkDelayMs: 0 }), logger: silentLogger(), stallIntervalMs: 300 });
    cleanups.push(() => started.close());
    return started;
  };
  /** The job as bull holds it while no worker has taken it. */
  const waitingJobData = async (id: string): Promise<RemoteJobData> => {
    const inspector = createBullQueue({ redisUrl: redis.url, keys, role: 'bot' });
    cleanups.push(() => inspector.close());
    let data: RemoteJobData | undefined;
    await until(async () => (data = (await inspector.queue.getJob(id))?.data as RemoteJobData | undefined) !== undefined, 5000, `job ${id} in bull`);
    return data!;
  };

  it('stores large features once under their hash; jobs carry the hash; the worker fetches them once', async () => {
    const queue = await bot();
    const first = queue.submit(job('n1', neuralVoice));
    const data = await waitingJobData('n1');
    const encoded = encodedFeaturesOf(job('n1', neuralVoice));
    expect(encoded.length).toBeGreaterThan(600_000);
    expect(JSON.stringify(data).length).toBeLessThan(2_000);
    expect(data.voice).toEqual({ id: 'voice-neural', language: 'zh', featuresKey: featuresHash(encoded) });
    const key = keys.voiceFeatures(featuresHash(encoded));
    expect(await admin.get(key)).toBe(encoded);
    expect(await admin.pttl(key)).toBeGreaterThan(VOICE_FEATURES_TTL_MS - 60_000);

    const runner = await worker();
    const handles = [first, queue.submit(job('n2', neuralVoice, 'Second message.')), queue.submit(job('n3', neuralVoice, '第三条。'))];
    for (const [index, handle] of handles.entries()) {
      const { chunks, error } = await drain(handle.chunks);
      expect(error).toBeUndefined();
      const expected = await referenceAudio(job(`n${index + 1}`, neuralVoice, ['Hello there.', 'Second message.', '第三条。'][index]));
      expect(joinSamples(chunks)).toEqual(expected.samples);
    }
    expect(queue.voiceFeatures.uploads).toBe(1);
    expect(runner.voiceFeatures.fetches).toBe(1);
  });

  it('keeps a small profile inline, with nothing stored beside the job', async () => {
    const queue = await bot();
    queue.submit(job('s1', smallVoice));
    const data = await waitingJobData('s1');
    expect(data.voice).toEqual({ id: 'voice-small', language: 'en', features: encodedFeaturesOf(job('s1', smallVoice)) });
    expect(await admin.keys(`${keys.prefix}:voice-features:*`)).toEqual([]);
    expect(queue.voiceFeatures.uploads).toBe(0);
  });

  it('features Redis lost fail that message with a clear error, and the next message uploads them again', async () => {
    const queue = await bot();
    const lost = queue.submit(job('l1', neuralVoice));
    await waitingJobData('l1');
    await admin.del(...(await admin.keys(`${keys.prefix}:voice-features:*`)));
    await worker();
    const { error } = await drain(lost.chunks);
    expect(error).toMatchObject({ code: 'voice-features-missing' });
    expect(String((error as Error).message)).toMatch(/no longer holds.*Say it again/);

    const again = await drain(queue.submit(job('l2', neuralVoice)).chunks);
    expect(again.error).toBeUndefined();
    expect(again.chunks.length).toBeGreaterThan(0);
    expect(queue.voiceFeatures.uploads).toBe(2);
  });
});
