import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/ConfigError.ts';
import { loadConfig } from '../../../config/loadConfig.ts';
import { CancelledError } from '../../../util/ChorusError.ts';
import { drain, synthesisJob } from '../../__tests__/synthesisJobs.ts';
import { DeadlineExceededError } from '../../SynthesisQueueErrors.ts';
import { InvalidChunkEntryError, InvalidRemoteJobError } from '../BullQueueErrors.ts';
import { decodeEntry, encodeEntry, type ChunkStreamEntry } from '../ChunkStreamEntry.ts';
import { ChunkStreamWriter } from '../ChunkStreamWriter.ts';
import { bullPriority, encodedFeaturesOf, featuresKeyOf, fromRemoteJobData, toRemoteJobData } from '../RemoteJobData.ts';
import { RemoteSynthesisError, RemoteSynthesisHandle } from '../RemoteSynthesisHandle.ts';
import { ResumePosition } from '../ResumePosition.ts';
import { describeRedisUrl } from '../redisConnection.ts';

function asBuffers(fields: (string | Buffer)[]): Buffer[] {
  return fields.map((field) => (typeof field === 'string' ? Buffer.from(field, 'utf8') : field));
}

function ramp(from: number, length: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => from + i);
}

describe('ResumePosition', () => {
  it('passes a single run through untouched', () => {
    const position = new ResumePosition();
    expect(position.take(0, 0, ramp(0, 4))).toEqual(ramp(0, 4));
    expect(position.take(0, 4, ramp(4, 4))).toEqual(ramp(4, 4));
    expect(position.take(1, 0, ramp(100, 3))).toEqual(ramp(100, 3));
  });

  it('resumes a redone run exactly where the dead one stopped, mid-chunk and mid-sentence', () => {
    const position = new ResumePosition();
    position.take(0, 0, ramp(0, 4));
    position.take(0, 4, ramp(4, 4));
    position.take(1, 0, ramp(100, 3));
    // The redo starts over: sentence 0 is skipped, sentence 1 continues after its 3rd sample.
    expect(position.take(0, 0, ramp(0, 4))).toBeUndefined();
    expect(position.take(0, 4, ramp(4, 4))).toBeUndefined();
    expect(position.take(1, 0, ramp(100, 2))).toBeUndefined();
    expect(position.take(1, 2, ramp(102, 4))).toEqual(ramp(103, 3));
    expect(position.take(2, 0, ramp(200, 2))).toEqual(ramp(200, 2));
    // A late chunk of the dead run for an earlier sentence adds nothing.
    expect(position.take(1, 6, ramp(106, 2))).toBeUndefined();
  });
});

describe('ChunkStreamEntry', () => {
  const entries: ChunkStreamEntry[] = [
    { kind: 'start', run: 'r1', redo: true },
    { kind: 'chunk', run: 'r1', seq: 7, sentenceIndex: 2, offset: 960, sampleRate: 24_000, samples: Int16Array.from([0, 1, -1, 32767, -32768]) },
    { kind: 'end', run: 'r1' },
    { kind: 'error', run: 'r1', code: 'deadline-exceeded', message: 'late', deadline: 1_700_000_000_000 },
    { kind: 'error', run: 'bot', code: 'synthesis-failed', message: '引擎失败' },
  ];

  it.each(entries)('survives the trip through Redis fields: $kind', (entry) => {
    expect(decodeEntry('job-1', asBuffers(encodeEntry(entry)))).toEqual(entry);
  });

  it('writes PCM little-endian', () => {
    const fields = encodeEntry({ kind: 'chunk', run: 'r', seq: 0, sentenceIndex: 0, offset: 0, sampleRate: 8000, samples: Int16Array.from([0x0102]) });
    expect(fields.at(-1)).toEqual(Buffer.from([0x02, 0x01]));
  });

  it.each([
    [['kind', 'chunk', 'run', 'r', 'seq', '0', 'sentence', '0', 'offset', '0', 'rate', '24000', 'pcm', Buffer.from([1, 2, 3])], 'odd length'],
    [['kind', 'chunk', 'run', 'r', 'seq', '-1', 'sentence', '0', 'offset', '0', 'rate', '24000', 'pcm', Buffer.from([1, 2])], '"seq"'],
    [['kind', 'teleport', 'run', 'r'], 'unknown entry kind'],
    [['kind', 'end'], 'missing field "run"'],
  ] as [(string | Buffer)[], string][])('refuses a malformed entry clearly (%#)', (fields, detail) => {
    expect(() => decodeEntry('job-9', asBuffers(fields))).toThrow(InvalidChunkEntryError);
    expect(() => decodeEntry('job-9', asBuffers(fields))).toThrow(detail);
  });
});

describe('ChunkStreamWriter', () => {
  function recorder(): { sent: ChunkStreamEntry[]; release: (error?: Error) => void; send: (entry: ChunkStreamEntry) => Promise<unknown> } {
    const sent: ChunkStreamEntry[] = [];
    const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
    return {
      sent,
      send: (entry) => {
        sent.push(entry);
        return new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
      },
      release: (error) => {
        for (const write of waiting.splice(0)) {
          if (error === undefined) write.resolve();
          else write.reject(error);
        }
      },
    };
  }
  const chunk = (sentenceIndex: number, from: number, length: number) => ({ sentenceIndex, sampleRate: 8000, samples: ramp(from, length) });

  it('sends the first chunk at once and merges, per sentence, those that arrive while it is in flight', async () => {
    const wire = recorder();
    const writer = new ChunkStreamWriter('r', wire.send);
    writer.write(chunk(0, 0, 3));
    expect(wire.sent).toHaveLength(1);
    writer.write(chunk(0, 3, 3));
    writer.write(chunk(0, 6, 3));
    writer.write(chunk(1, 100, 2));
    // Sentence 0's merged tail went out when sentence 1 began; sentence 1 waits for the writes in flight.
    expect(wire.sent.map((entry) => entry.kind === 'chunk' && [entry.seq, entry.sentenceIndex, entry.offset, [...entry.samples]])).toEqual([
      [0, 0, 0, [0, 1, 2]],
      [1, 0, 3, [3, 4, 5, 6, 7, 8]],
    ]);
    const finished = writer.finish();
    for (let i = 0; i < 5; i++) {
      wire.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await finished;
    expect(wire.sent.at(-1)).toMatchObject({ kind: 'chunk', seq: 2, sentenceIndex: 1, offset: 0, samples: ramp(100, 2) });
    expect(writer.entries).toBe(3);
  });

  it('reports the first failed write when finishing', async () => {
    const wire = recorder();
    const writer = new ChunkStreamWriter('r', wire.send);
    writer.write(chunk(0, 0, 3));
    wire.release(new Error('OOM command not allowed'));
    await expect(writer.finish()).rejects.toThrow('OOM');
  });
});

describe('RemoteJobData', () => {
  it('carries the job, typed-array voice features included, through JSON', () => {
    const job = { ...synthesisJob('j1', '你好'), voice: { id: 'v', language: 'zh' as const, features: { 'gpt-sovits': { tokens: Int16Array.from([1, -2, 3]) } } } };
    const back = fromRemoteJobData(JSON.parse(JSON.stringify(toRemoteJobData(job))));
    expect(back).toEqual(job);
    expect((back.voice.features['gpt-sovits'] as { tokens: unknown }).tokens).toBeInstanceOf(Int16Array);
  });

  it('reads features a job names by hash from what the worker fetched', () => {
    const job = { ...synthesisJob('j2', 'x'), voice: { id: 'v', language: 'en' as const, features: { builtin: { speed: 1.2 } } } };
    const data = JSON.parse(JSON.stringify(toRemoteJobData(job, { featuresKey: 'ab'.repeat(16) }))) as unknown;
    expect(featuresKeyOf(data)).toBe('ab'.repeat(16));
    expect(fromRemoteJobData(data, encodedFeaturesOf(job))).toEqual(job);
  });

  it.each([
    [null, 'not an object'],
    [{ format: 99 }, 'format 99'],
    [{ ...toRemoteJobData(synthesisJob('j', 'x')), priority: 'vip' }, 'unknown priority'],
    [{ ...toRemoteJobData(synthesisJob('j', 'x')), sentences: [{ parts: [{ language: 'fr', text: 'x' }] }] }, 'malformed sentences'],
    [{ ...toRemoteJobData(synthesisJob('j', 'x')), voice: { id: 'v', language: 'en', features: '{not json' } }, 'unreadable voice features'],
    [toRemoteJobData(synthesisJob('j', 'x'), { featuresKey: 'ab'.repeat(16) }), 'no usable voice'],
    [toRemoteJobData(synthesisJob('j', 'x'), { featuresKey: '../../etc' }), 'no usable voice'],
  ])('refuses what it cannot read: %j', (data, detail) => {
    expect(() => fromRemoteJobData(data)).toThrow(InvalidRemoteJobError);
    expect(() => fromRemoteJobData(data)).toThrow(detail);
  });

  it('maps priority classes to bull priorities, most important first', () => {
    expect(bullPriority('system')).toBe(1);
    expect(bullPriority('superChat')).toBeLessThan(bullPriority('chat'));
    expect(bullPriority('chat')).toBeLessThan(bullPriority('other'));
  });
});

describe('RemoteSynthesisHandle', () => {
  function handle(): RemoteSynthesisHandle {
    return new RemoteSynthesisHandle(synthesisJob('h1', 'x'), { onCancel: () => {}, onEnd: () => {} });
  }

  it('rebuilds a worker deadline error with the code the Player recognises', async () => {
    const target = handle();
    target.receive({ kind: 'error', run: 'r', code: 'deadline-exceeded', message: 'late', deadline: 5 });
    const { error } = await drain(target.chunks);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ code: 'deadline-exceeded', deadline: 5 });
  });

  it('keeps the code and message of other worker errors, and ignores entries after the end', async () => {
    const target = handle();
    target.receive({ kind: 'start', run: 'r' , redo: false });
    target.receive({ kind: 'error', run: 'r', code: 'synthesis-failed', message: 'The engine broke.' });
    target.receive({ kind: 'end', run: 'r' });
    const { error } = await drain(target.chunks);
    expect(error).toBeInstanceOf(RemoteSynthesisError);
    expect(error).toMatchObject({ code: 'synthesis-failed', message: 'The engine broke.' });
  });

  it('turns a cancelled entry into a CancelledError (never logged as a failure)', async () => {
    const target = handle();
    target.receive({ kind: 'error', run: 'r', code: 'cancelled', message: 'stopped' });
    expect((await drain(target.chunks)).error).toBeInstanceOf(CancelledError);
  });
});

describe('scale-out configuration', () => {
  it('is off by default, with safe defaults', () => {
    const config = loadConfig({}, '/srv');
    expect(config.secrets.redisUrl).toBeUndefined();
    expect(config.scaleOut).toEqual({ fallback: 'none', workerConcurrency: 1, stallIntervalMs: 5000 });
  });

  it('reads REDIS_URL as a secret and the worker settings', () => {
    const config = loadConfig({ REDIS_URL: 'redis://:pw@cache.lan:6380/2', SYNTHESIS_FALLBACK: 'inprocess', WORKER_CONCURRENCY: '4', WORKER_STALL_INTERVAL_MS: '2000' }, '/srv');
    expect(config.secrets.redisUrl).toBe('redis://:pw@cache.lan:6380/2');
    expect(config.scaleOut).toEqual({ fallback: 'inprocess', workerConcurrency: 4, stallIntervalMs: 2000 });
  });

  it.each(['http://cache.lan:6379', 'redis:///0', 'cache.lan:6379', 'redis://:s3cret@host/db'])('refuses %s without repeating it', (value) => {
    let caught: unknown;
    try {
      loadConfig({ REDIS_URL: value }, '/srv');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe('REDIS_URL');
    expect((caught as ConfigError).message).not.toContain(value);
    expect((caught as ConfigError).message).not.toContain('s3cret');
  });

  it.each([
    [{ SYNTHESIS_FALLBACK: 'cloud' }, 'SYNTHESIS_FALLBACK'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
    [{ WORKER_STALL_INTERVAL_MS: '10' }, 'WORKER_STALL_INTERVAL_MS'],
  ])('names a bad worker setting: %j', (env, variable) => {
    expect(() => loadConfig(env, '/srv')).toThrow(variable);
  });

  it('logs Redis locations without credentials', () => {
    expect(describeRedisUrl('redis://user:p%40ss@cache.lan:6380/2')).toBe('redis://cache.lan:6380/2');
    expect(describeRedisUrl('rediss://:pw@cache.lan')).toBe('rediss://cache.lan');
  });
});
