import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chorus } from '../../../app/Chorus.ts';
import { ChorusOverlayControl } from '../../../app/ChorusOverlayControl.ts';
import { loadConfig } from '../../../config/loadConfig.ts';
import type { AudioSink } from '../../../playback/AudioSink.ts';
import { ToneEngine } from '../../../synthesis/engines/tone/ToneEngine.ts';
import { RedisServer } from '../../../../test/support/redisServer.ts';
import { BullSynthesisQueue, type BullSynthesisQueueStats } from '../BullSynthesisQueue.ts';
import { BullSynthesisWorker } from '../BullSynthesisWorker.ts';
import { silentLogger } from './redisTestKit.ts';

/** Says two messages through a Chorus built from `env`; returns what the sink heard. */
async function speak(dir: string, env: Record<string, string>, engine: ToneEngine): Promise<{ log: string[]; frames: Map<string, number>; chorus: Chorus }> {
  const config = loadConfig({ DATABASE_PATH: join(dir, 'db.sqlite'), VOICES_DIR: join(dir, 'voices'), OUT_DIR: join(dir, 'out'), ENGINE: 'tone', ...env });
  const chorus = await Chorus.start({ config, logger: silentLogger(), engine });
  const log: string[] = [];
  const frames = new Map<string, number>();
  let current = '';
  const sink: AudioSink = {
    begin: (utterance) => {
      current = utterance.jobId;
      log.push(`begin ${utterance.jobId}`);
    },
    write: () => void frames.set(current, (frames.get(current) ?? 0) + 1),
    end: (utterance, outcome) => void log.push(`end ${utterance.jobId} ${outcome}`),
  };
  chorus.attachSink('stage', sink);
  for (const [id, text] of [['m1', 'Hello from the first viewer.'], ['m2', '第二条消息。']] as const) {
    await chorus.say({ id, platform: 'console', target: 'stage', author: { userId: `u-${id}`, displayName: id }, text, kind: 'chat', receivedAt: Date.now() });
  }
  await chorus.whenIdle();
  return { log, frames, chorus };
}

describe('Chorus with REDIS_URL set', () => {
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await RedisServer.start();
    dir = await mkdtemp(join(tmpdir(), 'chorus-redis-app-'));
  });
  afterAll(async () => {
    await redis.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends synthesis to workers and plays each utterance once, as the in-process pipeline does', async () => {
    const local = await speak(join(dir, 'local'), {}, new ToneEngine({ chunkDelayMs: 0 }));
    expect(new ChorusOverlayControl(local.chorus).state().synthesis).toEqual({ waiting: 0, running: 0, completed: 2, failed: 0 });
    await local.chorus.close();

    const workerEngine = new ToneEngine({ chunkDelayMs: 0 });
    const worker = await BullSynthesisWorker.start({ redisUrl: redis.url, engine: workerEngine, logger: silentLogger(), stallIntervalMs: 500 });
    const botEngine = new ToneEngine({ chunkDelayMs: 0 });
    const remote = await speak(join(dir, 'remote'), { REDIS_URL: redis.url }, botEngine);
    expect(remote.chorus.synthesis).toBeInstanceOf(BullSynthesisQueue);
    expect((remote.chorus.synthesis.stats() as BullSynthesisQueueStats).connected).toBe(true);
    // The control page shows where synthesis runs and whether Redis is reachable.
    expect(new ChorusOverlayControl(remote.chorus).state().synthesis).toEqual({ waiting: 0, running: 0, completed: 2, failed: 0, redis: { connected: true, fallbackJobs: 0 } });
    await remote.chorus.close();
    await worker.close();

    expect(remote.log).toEqual(['begin m1', 'end m1 finished', 'begin m2', 'end m2 finished']);
    expect(remote.log).toEqual(local.log);
    expect(remote.frames).toEqual(local.frames);
    expect(remote.frames.get('m1')).toBeGreaterThan(20);
    expect(workerEngine.activity.completed).toBe(2);
    expect(botEngine.activity.requests).toEqual([]);
  });
});
