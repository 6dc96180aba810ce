import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ToneEngine, toneSampleCount } from '../../synthesis/engines/tone/ToneEngine.ts';
import { CancelledError } from '../../util/ChorusError.ts';
import { InProcessSynthesisQueue } from '../InProcessSynthesisQueue.ts';
import { DeadlineExceededError, DuplicateJobError, QueueClosedError, SynthesisFailedError } from '../SynthesisQueueErrors.ts';
import { drain, synthesisJob } from './synthesisJobs.ts';

const queues: InProcessSynthesisQueue[] = [];
function makeQueue(engine: ToneEngine, concurrency?: number): InProcessSynthesisQueue {
  const queue = new InProcessSynthesisQueue(concurrency === undefined ? { engine } : { engine, concurrency });
  queues.push(queue);
  return queue;
}
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

describe('InProcessSynthesisQueue', () => {
  it('streams every sample of the utterance, sentence by sentence', async () => {
    const engine = new ToneEngine({ msPerCharacter: 10 });
    const queue = makeQueue(engine);
    const handle = queue.submit({ ...synthesisJob('a', 'hello'), sentences: [{ parts: [{ language: 'en', text: 'hello' }] }, { parts: [{ language: 'en', text: 'world!!' }] }] });
    const { chunks, error } = await drain(handle.chunks);
    expect(error).toBeUndefined();
    const perSentence = [0, 1].map((index) => chunks.filter((c) => c.sentenceIndex === index).reduce((n, c) => n + c.samples.length, 0));
    expect(perSentence).toEqual([toneSampleCount('hello', 24_000, 10), toneSampleCount('world!!', 24_000, 10)]);
    expect(queue.stats()).toMatchObject({ completed: 1, running: 0, waiting: 0 });
    const timings = handle.timings();
    expect(timings.startedAt).toBeGreaterThanOrEqual(timings.submittedAt);
    expect(timings.firstChunkAt).toBeGreaterThanOrEqual(timings.startedAt ?? Infinity);
  });

  it('starts the highest priority class first, FIFO within a class', async () => {
    const engine = new ToneEngine({ msPerCharacter: 5 });
    const queue = makeQueue(engine);
    // The first job occupies the only slot while the rest line up behind it.
    const handles = [
      queue.submit(synthesisJob('first', 'first', 'freeGift')),
      queue.submit(synthesisJob('chat-1', 'chat one', 'chat')),
      queue.submit(synthesisJob('gift-1', 'gift one', 'freeGift')),
      queue.submit(synthesisJob('sc-1', 'super chat one', 'superChat')),
      queue.submit(synthesisJob('chat-2', 'chat two', 'chat')),
      queue.submit(synthesisJob('system-1', 'system one', 'system')),
      queue.submit(synthesisJob('sc-2', 'super chat two', 'superChat')),
    ];
    expect(queue.stats()).toMatchObject({ waiting: 6, running: 1 });
    await Promise.all(handles.map((handle) => drain(handle.chunks)));
    expect(engine.activity.requests).toEqual(['first', 'system one', 'super chat one', 'super chat two', 'chat one', 'chat two', 'gift one']);
  });

  it.each([1, 3])('never runs more than %i jobs at once', async (concurrency) => {
    const engine = new ToneEngine({ msPerCharacter: 5, chunkDelayMs: 2 });
    const queue = makeQueue(engine, concurrency);
    let maxRunning = 0;
    const handles = Array.from({ length: 8 }, (_, i) => queue.submit(synthesisJob(`j${i}`, `job number ${i}`)));
    const sampler = setInterval(() => (maxRunning = Math.max(maxRunning, queue.stats().running)), 1);
    const results = await Promise.all(handles.map((handle) => drain(handle.chunks)));
    clearInterval(sampler);
    expect(results.every((result) => result.error === undefined)).toBe(true);
    expect(engine.activity.maxActive).toBe(concurrency);
    expect(maxRunning).toBeLessThanOrEqual(concurrency);
    expect(queue.stats()).toMatchObject({ completed: 8, running: 0 });
  });

  it('drops a job whose deadline passes while it waits, without synthesising it', async () => {
    const engine = new ToneEngine({ msPerCharacter: 30, chunkDelayMs: 5 });
    const queue = makeQueue(engine);
    const long = queue.submit(synthesisJob('long', 'a fairly long message to keep the engine busy'));
    const late = queue.submit(synthesisJob('late', 'too late', 'chat', Date.now() + 20));
    const lateResult = await drain(late.chunks);
    expect(lateResult.error).toBeInstanceOf(DeadlineExceededError);
    expect(lateResult.chunks).toHaveLength(0);
    // The drop is reported promptly, while the long job still holds the slot.
    expect(queue.stats()).toMatchObject({ dropped: 1, running: 1 });
    await drain(long.chunks);
    expect(engine.activity.requests).toEqual(['a fairly long message to keep the engine busy']);
  });

  it('drops a job submitted after its deadline', async () => {
    const engine = new ToneEngine();
    const queue = makeQueue(engine);
    const result = await drain(queue.submit(synthesisJob('old', 'old news', 'chat', Date.now() - 1)).chunks);
    expect(result.error).toBeInstanceOf(DeadlineExceededError);
    expect(engine.activity.requests).toEqual([]);
    expect(queue.stats().dropped).toBe(1);
  });

  it('removes a cancelled waiting job before the engine sees it', async () => {
    const engine = new ToneEngine({ msPerCharacter: 10 });
    const queue = makeQueue(engine);
    const first = queue.submit(synthesisJob('first', 'first one'));
    const second = queue.submit(synthesisJob('second', 'second one'));
    const controller = new AbortController();
    const third = queue.submit(synthesisJob('third', 'third one'), controller.signal);
    second.cancel();
    controller.abort();
    expect(queue.stats()).toMatchObject({ waiting: 0, cancelled: 2 });
    const [a, b, c] = await Promise.all([first, second, third].map((handle) => drain(handle.chunks)));
    expect(a?.error).toBeUndefined();
    expect(b?.error).toBeInstanceOf(CancelledError);
    expect(c?.error).toBeInstanceOf(CancelledError);
    expect(engine.activity.requests).toEqual(['first one']);
  });

  it('aborts a running job: the stream ends with CancelledError and the engine stops', async () => {
    const engine = new ToneEngine({ msPerCharacter: 30, chunkDelayMs: 5 });
    const queue = makeQueue(engine);
    const handle = queue.submit(synthesisJob('running', 'a long message that takes a while to synthesise'));
    const next = queue.submit(synthesisJob('next', 'next'));
    const received: number[] = [];
    let error: unknown;
    try {
      for await (const chunk of handle.chunks) {
        received.push(chunk.samples.length);
        if (received.length === 2) handle.cancel();
      }
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CancelledError);
    expect(received).toHaveLength(2);
    // The slot is freed once the engine has stopped, and the next job runs.
    expect((await drain(next.chunks)).error).toBeUndefined();
    expect(engine.activity).toMatchObject({ aborted: 1, completed: 1 });
    expect(queue.stats()).toMatchObject({ cancelled: 1, completed: 1 });
  });

  it('cancels the job when the consumer leaves the loop early', async () => {
    const engine = new ToneEngine({ msPerCharacter: 30, chunkDelayMs: 2 });
    const queue = makeQueue(engine);
    const handle = queue.submit(synthesisJob('quit', 'the consumer stops reading this one early'));
    for await (const _chunk of handle.chunks) break;
    await queue.close();
    expect(engine.activity.aborted).toBe(1);
    expect(queue.stats().cancelled).toBe(1);
  });

  it('buffers for a slow consumer without losing chunks', async () => {
    const engine = new ToneEngine({ msPerCharacter: 10, chunkDelayMs: 0 });
    const queue = makeQueue(engine);
    const handle = queue.submit(synthesisJob('slow', 'a consumer slower than the engine'));
    let total = 0;
    for await (const chunk of handle.chunks) {
      total += chunk.samples.length;
      await delay(3);
    }
    expect(total).toBe(toneSampleCount('a consumer slower than the engine', 24_000, 10));
    expect(handle.timings().endedAt).toBeLessThanOrEqual(Date.now());
  });

  it('reports an engine failure as SynthesisFailedError and carries on with the next job', async () => {
    const engine = new ToneEngine({ failOn: (text) => text === 'boom' });
    const queue = makeQueue(engine);
    const bad = queue.submit({ ...synthesisJob('bad', 'fine'), sentences: [{ parts: [{ language: 'en', text: 'fine' }] }, { parts: [{ language: 'en', text: 'boom' }] }] });
    const good = queue.submit(synthesisJob('good', 'good'));
    const badResult = await drain(bad.chunks);
    expect(badResult.error).toBeInstanceOf(SynthesisFailedError);
    expect((badResult.error as SynthesisFailedError).message).toContain('boom');
    expect(badResult.chunks.length).toBeGreaterThan(0);
    expect((await drain(good.chunks)).error).toBeUndefined();
    expect(queue.stats()).toMatchObject({ failed: 1, completed: 1 });
  });

  it('refuses a second job with an id that is still active', async () => {
    const queue = makeQueue(new ToneEngine());
    const first = queue.submit(synthesisJob('same', 'one'));
    const second = queue.submit(synthesisJob('same', 'two'));
    expect((await drain(second.chunks)).error).toBeInstanceOf(DuplicateJobError);
    expect((await drain(first.chunks)).error).toBeUndefined();
  });

  it('close() cancels waiting and running jobs and refuses new ones', async () => {
    const engine = new ToneEngine({ msPerCharacter: 30, chunkDelayMs: 5 });
    const queue = makeQueue(engine);
    const running = queue.submit(synthesisJob('r', 'a long running message here'));
    const waiting = queue.submit(synthesisJob('w', 'waiting'));
    await delay(10);
    await queue.close();
    expect(engine.activity.active).toBe(0);
    expect((await drain(running.chunks)).error).toBeInstanceOf(QueueClosedError);
    expect((await drain(waiting.chunks)).error).toBeInstanceOf(QueueClosedError);
    expect((await drain(queue.submit(synthesisJob('after', 'after')).chunks)).error).toBeInstanceOf(QueueClosedError);
    expect(engine.activity.requests).toEqual(['a long running message here']);
  });
});
