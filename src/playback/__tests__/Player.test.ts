import { afterEach, describe, expect, it } from 'vitest';
import { InProcessSynthesisQueue } from '../../queue/InProcessSynthesisQueue.ts';
import { SynthesisFailedError } from '../../queue/SynthesisQueueErrors.ts';
import { ToneEngine, toneFrequency, toneSampleCount, type ToneEngineOptions } from '../../synthesis/engines/tone/ToneEngine.ts';
import { FRAME_SAMPLE_RATE, FRAME_SAMPLES } from '../AudioFrame.ts';
import { PlaybackQueue, type JobDrop, type PlaybackQueueOptions } from '../PlaybackQueue.ts';
import { Player } from '../Player.ts';
import type { PlayerStatus } from '../PlayerState.ts';
import type { UtteranceReport } from '../UtteranceReport.ts';
import { RecordingSink, TARGET, alice, bob, estimateFrequency, naiveFramePipeline, speechJob } from './playbackTestKit.ts';

const MS_PER_CHARACTER = 10;
const ENGINE_RATE = 24_000;

interface Setup {
  readonly player: Player;
  readonly engine: ToneEngine;
  readonly synthesis: InProcessSynthesisQueue;
  readonly sink: RecordingSink;
  readonly ends: UtteranceReport[];
  readonly drops: JobDrop[];
  readonly transitions: string[];
  readonly pipelines: ReturnType<typeof naiveFramePipeline>[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function setup(options: { prefetch?: boolean; engine?: ToneEngineOptions; sinkDelayMs?: number; queue?: Partial<PlaybackQueueOptions> } = {}): Setup {
  const engine = new ToneEngine({ msPerCharacter: MS_PER_CHARACTER, chunkDelayMs: 1, sampleRate: ENGINE_RATE, ...options.engine });
  const synthesis = new InProcessSynthesisQueue({ engine });
  const pipelines: ReturnType<typeof naiveFramePipeline>[] = [];
  const player = new Player({
    queue: new PlaybackQueue({ target: TARGET, ...options.queue }),
    synthesis,
    resolveVoice: async (id) => ({ id, language: 'en', features: {} }),
    createFramePipeline: (rate) => {
      const pipeline = naiveFramePipeline(rate);
      pipelines.push(pipeline);
      return pipeline;
    },
    ...(options.prefetch === undefined ? {} : { prefetch: options.prefetch }),
  });
  const sink = new RecordingSink(options.sinkDelayMs ?? 0);
  player.attach(sink);
  const ends: UtteranceReport[] = [];
  const drops: JobDrop[] = [];
  const transitions: string[] = [];
  player.on('utteranceEnd', (report) => ends.push(report));
  player.on('drop', (drop) => drops.push(drop));
  player.on('stateChange', (from, to) => transitions.push(`${from.status}->${to.status}`));
  cleanups.push(async () => {
    await player.close();
    await synthesis.close();
    expect(sink.violations).toEqual([]);
  });
  return { player, engine, synthesis, sink, ends, drops, transitions, pipelines };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function expectedFrames(text: string): number {
  const outputSamples = Math.ceil((toneSampleCount(text, ENGINE_RATE, MS_PER_CHARACTER) * FRAME_SAMPLE_RATE) / ENGINE_RATE);
  return Math.ceil(outputSamples / FRAME_SAMPLES);
}

function status(player: Player): PlayerStatus {
  return player.state.status;
}

const TEXTS = {
  a: 'the first message of the test',
  b: 'then a second one',
  c: 'and finally a third',
  d: 'a system notice',
  long: 'a long message which keeps the player busy for a while, long enough to act during it',
};

describe('Player', () => {
  it('plays quick jobs in order, each utterance carrying its own audio, and measures latency', async () => {
    const { player, sink, ends, transitions } = setup();
    player.enqueue(speechJob('a', TEXTS.a));
    player.enqueue(speechJob('b', TEXTS.b));
    player.enqueue(speechJob('c', TEXTS.c));
    await until(() => ends.length === 3, 'three utterances');

    expect(sink.order).toEqual(['a', 'b', 'c']);
    for (const [id, text] of [['a', TEXTS.a], ['b', TEXTS.b], ['c', TEXTS.c]] as const) {
      const record = sink.record(id);
      expect(record?.outcome).toBe('finished');
      expect(record?.frames).toHaveLength(expectedFrames(text));
      expect(Math.abs(estimateFrequency(record?.frames ?? []) - toneFrequency(text))).toBeLessThan(8);
    }
    for (const report of ends) {
      expect(report).toMatchObject({ outcome: 'finished', started: true });
      const { metrics } = report;
      expect(metrics.queuedToFirstChunkMs).toBeGreaterThanOrEqual(0);
      expect(metrics.firstChunkToFirstFrameMs).toBeGreaterThanOrEqual(0);
      expect(metrics.totalMs).toBeGreaterThanOrEqual((metrics.queuedToFirstChunkMs ?? Infinity) + (metrics.firstChunkToFirstFrameMs ?? Infinity));
    }
    expect(transitions.slice(0, 3)).toEqual(['idle->synthesising', 'synthesising->playing', 'playing->idle']);
    expect(status(player)).toBe('idle');
  });

  it('plays a higher class that arrives later before waiting chat messages', async () => {
    const { player, sink, ends } = setup({ sinkDelayMs: 1 });
    player.enqueue(speechJob('a', TEXTS.a));
    await until(() => status(player) === 'playing', 'a playing');
    player.enqueue(speechJob('b', TEXTS.b));
    player.enqueue(speechJob('c', TEXTS.c));
    player.enqueue(speechJob('d', TEXTS.d, { priority: 'system' }));
    await until(() => ends.length === 4, 'four utterances');
    expect(sink.order).toEqual(['a', 'd', 'b', 'c']);
  });

  it('skip while synthesising cancels the engine stream and moves to the next job', async () => {
    // Slow first audio: 40 ms per chunk.
    const { player, engine, sink, ends, drops } = setup({ engine: { chunkDelayMs: 40 }, prefetch: false });
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('b', TEXTS.b));
    await until(() => engine.activity.active === 1, 'synthesis of a');
    expect(status(player)).toBe('synthesising');
    expect(player.skip()).toBe(true);
    await until(() => ends.length === 1, 'b to finish');

    expect(engine.activity.aborted).toBe(1);
    expect(drops).toEqual([expect.objectContaining({ reason: 'skipped', job: expect.objectContaining({ id: 'a' }) })]);
    expect(sink.order).toEqual(['b']);
    expect(ends[0]).toMatchObject({ outcome: 'finished', utterance: { jobId: 'b' } });
  });

  it('skip while playing ends the utterance as skipped and plays the next', async () => {
    const { player, sink, ends } = setup({ sinkDelayMs: 2 });
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('b', TEXTS.b));
    await until(() => sink.framesOfCurrent >= 3, 'a few frames of a');
    expect(status(player)).toBe('playing');
    expect(player.skip('a')).toBe(true);
    await until(() => ends.length === 2, 'both utterances');

    expect(sink.order).toEqual(['a', 'b']);
    expect(sink.record('a')?.outcome).toBe('skipped');
    expect(sink.record('a')?.frames.length).toBeLessThan(expectedFrames(TEXTS.long));
    expect(sink.record('b')).toMatchObject({ outcome: 'finished' });
    expect(ends.map((report) => [report.utterance.jobId, report.outcome])).toEqual([['a', 'skipped'], ['b', 'finished']]);
  });

  it('skip(jobId) of a waiting job removes it', async () => {
    const { player, sink, ends, drops } = setup({ sinkDelayMs: 1 });
    player.enqueue(speechJob('a', TEXTS.a));
    player.enqueue(speechJob('b', TEXTS.b));
    player.enqueue(speechJob('c', TEXTS.c));
    expect(player.skip('b')).toBe(true);
    expect(player.skip('nope')).toBe(false);
    await until(() => ends.length === 2, 'a and c');
    expect(sink.order).toEqual(['a', 'c']);
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([['b', 'skipped']]);
  });

  it('pause holds the utterance without losing audio, and resume carries on', async () => {
    const { player, sink, ends, transitions } = setup({ sinkDelayMs: 1 });
    player.enqueue(speechJob('a', TEXTS.long));
    await until(() => sink.framesOfCurrent >= 3, 'a few frames');
    player.pause();
    expect(player.state).toMatchObject({ status: 'paused', resumeTo: 'playing', utterance: { jobId: 'a' } });
    // A write in flight may still land; after that nothing moves.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const framesAtPause = sink.framesOfCurrent;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sink.framesOfCurrent).toBe(framesAtPause);
    expect(ends).toHaveLength(0);

    player.resume();
    expect(status(player)).toBe('playing');
    await until(() => ends.length === 1, 'a to finish');
    expect(sink.record('a')).toMatchObject({ outcome: 'finished' });
    expect(sink.record('a')?.frames).toHaveLength(expectedFrames(TEXTS.long));
    expect(transitions).toContain('playing->paused');
    expect(transitions).toContain('paused->playing');
  });

  it('while paused and idle, starts nothing until resumed', async () => {
    const { player, sink, ends, engine } = setup();
    player.pause();
    expect(player.state).toMatchObject({ status: 'paused', resumeTo: 'idle' });
    player.enqueue(speechJob('a', TEXTS.a));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(engine.activity.requests).toEqual([]);
    expect(sink.order).toEqual([]);
    player.resume();
    await until(() => ends.length === 1, 'a');
    expect(sink.order).toEqual(['a']);
  });

  it('prefetches the next job while playing without changing the order', async () => {
    // Playback (2 ms per 20 ms frame) is slower than synthesis (1 ms per 40 ms chunk), so b is prefetched mid-a.
    const { player, engine, sink, ends } = setup({ sinkDelayMs: 2 });
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('b', TEXTS.b));
    player.enqueue(speechJob('c', TEXTS.c));
    await until(() => engine.activity.requests.length >= 2, 'prefetch of b');
    // b's synthesis started while a was still being played.
    expect(player.current?.jobId).toBe('a');
    expect(status(player)).toBe('playing');
    expect(engine.activity.requests).toEqual([TEXTS.long, TEXTS.b]);
    // A system notice arrives after b was prefetched: it still goes first.
    player.enqueue(speechJob('d', TEXTS.d, { priority: 'system' }));
    await until(() => ends.length === 4, 'all four');

    expect(sink.order).toEqual(['a', 'd', 'b', 'c']);
    for (const [id, text] of [['a', TEXTS.long], ['b', TEXTS.b], ['c', TEXTS.c], ['d', TEXTS.d]] as const) {
      expect(sink.record(id)?.frames).toHaveLength(expectedFrames(text));
      expect(Math.abs(estimateFrequency(sink.record(id)?.frames ?? []) - toneFrequency(text))).toBeLessThan(8);
    }
    // Each job was synthesised exactly once.
    expect([...engine.activity.requests].sort()).toEqual([TEXTS.long, TEXTS.b, TEXTS.c, TEXTS.d].sort());
  });

  it('cancels a prefetched synthesis when its job is skipped', async () => {
    const { player, engine, sink, ends, drops } = setup({ sinkDelayMs: 2 });
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('b', TEXTS.long + ' again'));
    player.enqueue(speechJob('c', TEXTS.c));
    await until(() => engine.activity.requests.length >= 2, 'prefetch of b');
    player.skip('b');
    await until(() => ends.length === 2, 'a and c');
    expect(sink.order).toEqual(['a', 'c']);
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([['b', 'skipped']]);
    expect(engine.activity).toMatchObject({ aborted: 1, completed: 2 });
  });

  it('without prefetch, synthesis of the next job starts only after the current one ends', async () => {
    const { player, engine, ends } = setup({ sinkDelayMs: 1, prefetch: false });
    const requestsWhenAEnded: string[][] = [];
    player.on('utteranceEnd', (report) => {
      if (report.utterance.jobId === 'a') requestsWhenAEnded.push([...engine.activity.requests]);
    });
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('b', TEXTS.b));
    await until(() => ends.length === 2, 'both');
    expect(requestsWhenAEnded).toEqual([[TEXTS.long]]);
    expect(engine.activity.requests).toEqual([TEXTS.long, TEXTS.b]);
  });

  it('reports a failed job and moves on', async () => {
    const { player, sink, ends, pipelines } = setup({ engine: { failOn: (text) => text === 'boom' } });
    player.enqueue(speechJob('half', 'half of it', { sentences: ['half of it', 'boom'] }));
    player.enqueue(speechJob('none', 'boom'));
    player.enqueue(speechJob('ok', TEXTS.a));
    await until(() => ends.length === 3, 'three reports');

    expect(ends.map((report) => [report.utterance.jobId, report.outcome, report.started])).toEqual([
      ['half', 'failed', true],
      ['none', 'failed', false],
      ['ok', 'finished', true],
    ]);
    expect(ends[0]?.error).toBeInstanceOf(SynthesisFailedError);
    expect(ends[1]?.error).toBeInstanceOf(SynthesisFailedError);
    // The sinks heard the first sentence of 'half', were told it failed, and never heard of 'none'.
    expect(sink.order).toEqual(['half', 'ok']);
    expect(sink.record('half')?.outcome).toBe('failed');
    expect(pipelines.every((pipeline) => pipeline.closed)).toBe(true);
  });

  it('never plays the same job id twice', async () => {
    const { player, sink, ends, drops } = setup();
    const job = speechJob('once', TEXTS.a);
    expect(player.enqueue(job)).toEqual({ accepted: true });
    expect(player.enqueue(job)).toEqual({ accepted: false, reason: 'duplicate' });
    await until(() => ends.length === 1, 'first play');
    expect(player.enqueue(job)).toEqual({ accepted: false, reason: 'duplicate' });
    // Even when put straight into the queue behind the player's back.
    player.queue.enqueue(job);
    player.enqueue(speechJob('after', TEXTS.b));
    await until(() => ends.length === 2, 'the next job');
    expect(sink.order).toEqual(['once', 'after']);
    expect(drops).toEqual([expect.objectContaining({ reason: 'skipped', job: expect.objectContaining({ id: 'once' }) })]);
  });

  it('drops a job whose deadline passes while it waits, without synthesising it', async () => {
    const { player, engine, sink, ends, drops } = setup({ sinkDelayMs: 1 });
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('late', 'too late to say', { deadline: Date.now() + 20 }));
    await until(() => ends.length === 1 && drops.length === 1, 'a and the drop');
    expect(drops[0]).toMatchObject({ reason: 'expired', job: { id: 'late' } });
    expect(engine.activity.requests).toEqual([TEXTS.long]);
    expect(sink.order).toEqual(['a']);
  });

  it('drops a job that expires in a synthesis queue shared with a busy player', async () => {
    const engine = new ToneEngine({ msPerCharacter: MS_PER_CHARACTER, chunkDelayMs: 5 });
    const synthesis = new InProcessSynthesisQueue({ engine });
    const players = ['guild-busy', 'guild-late'].map(
      (target) =>
        new Player({
          queue: new PlaybackQueue({ target }),
          synthesis,
          resolveVoice: (id) => ({ id, language: 'en', features: {} }),
          createFramePipeline: naiveFramePipeline,
        }),
    );
    const [busy, late] = players as [Player, Player];
    cleanups.push(async () => {
      await Promise.all(players.map((player) => player.close()));
      await synthesis.close();
    });
    const drops: JobDrop[] = [];
    const lateEnds: UtteranceReport[] = [];
    late.on('drop', (drop) => drops.push(drop));
    late.on('utteranceEnd', (report) => lateEnds.push(report));
    busy.enqueue({ ...speechJob('busy', TEXTS.long), target: 'guild-busy' });
    await until(() => engine.activity.active === 1, 'the busy job to occupy the engine');
    late.enqueue({ ...speechJob('late', 'too late to say', { deadline: Date.now() + 30 }), target: 'guild-late' });
    await until(() => drops.length === 1, 'the drop');

    expect(drops[0]).toMatchObject({ reason: 'expired', job: { id: 'late' } });
    expect(lateEnds).toEqual([]);
    expect(engine.activity.requests).toEqual([TEXTS.long]);
    expect(synthesis.stats().dropped).toBe(1);
  });

  it('clear(speaker) silences that speaker now and keeps the others', async () => {
    const { player, sink, ends, drops } = setup({ sinkDelayMs: 1 });
    player.enqueue(speechJob('a1', TEXTS.long, { speaker: alice }));
    player.enqueue(speechJob('b1', TEXTS.b, { speaker: bob }));
    player.enqueue(speechJob('a2', TEXTS.c, { speaker: alice }));
    await until(() => sink.framesOfCurrent >= 2, 'a1 playing');
    expect(player.clear({ platform: 'discord', userId: alice.userId })).toBe(2);
    await until(() => ends.length === 2, 'a1 ended and b1 played');
    expect(sink.order).toEqual(['a1', 'b1']);
    expect(sink.record('a1')?.outcome).toBe('skipped');
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([['a2', 'cleared']]);
  });

  it('stop() drops everything and returns to idle', async () => {
    const { player, sink, ends, drops } = setup({ sinkDelayMs: 1 });
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('b', TEXTS.b));
    player.enqueue(speechJob('c', TEXTS.c));
    await until(() => sink.framesOfCurrent >= 2, 'a playing');
    player.stop();
    await until(() => status(player) === 'idle' && ends.length === 1, 'idle');
    expect(player.queue.length).toBe(0);
    expect(sink.order).toEqual(['a']);
    expect(sink.record('a')?.outcome).toBe('skipped');
    expect(drops.map((drop) => [drop.job.id, drop.reason]).sort()).toEqual([['b', 'cleared'], ['c', 'cleared']]);
    // Still usable afterwards.
    player.enqueue(speechJob('d', TEXTS.d));
    await until(() => ends.length === 2, 'd');
    expect(sink.order).toEqual(['a', 'd']);
  });

  it('describes what is playing and what waits in a serialisable snapshot', async () => {
    const { player, sink, ends } = setup({ sinkDelayMs: 1 });
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('b', TEXTS.b, { speaker: bob }));
    await until(() => sink.framesOfCurrent >= 2, 'a playing');
    const snapshot = player.snapshot();
    const framesAtSink = sink.framesOfCurrent;
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot).toMatchObject({ target: TARGET, status: 'playing', paused: false, current: { jobId: 'a', started: true } });
    // framesWritten counts completed writes; the sink may be in the middle of one more.
    expect(snapshot.current?.framesWritten).toBeGreaterThanOrEqual(framesAtSink - 1);
    expect(snapshot.current?.framesWritten).toBeLessThanOrEqual(framesAtSink);
    expect(snapshot.queue.entries.map((entry) => [entry.jobId, entry.speaker.displayName])).toEqual([['b', 'Bob']]);
    await until(() => ends.length === 2, 'both');
    expect(player.snapshot()).toMatchObject({ status: 'idle', current: undefined, queue: { length: 0 } });
  });

  it('keeps playing after an event listener throws', async () => {
    const { player, sink, ends } = setup();
    const unexpected: unknown[] = [];
    player.on('unexpectedError', (error) => unexpected.push(error));
    player.once('utteranceEnd', () => {
      throw new Error('listener bug');
    });
    player.enqueue(speechJob('a', TEXTS.a));
    player.enqueue(speechJob('b', TEXTS.b));
    await until(() => ends.length === 2, 'both');
    expect(unexpected).toHaveLength(1);
    expect(sink.order).toEqual(['a', 'b']);
  });

  it('gives a sink attached mid-utterance only whole utterances', async () => {
    const { player, sink, ends } = setup({ sinkDelayMs: 1 });
    const late = new RecordingSink();
    player.enqueue(speechJob('a', TEXTS.long));
    player.enqueue(speechJob('b', TEXTS.b));
    await until(() => sink.framesOfCurrent >= 2, 'a playing');
    player.attach(late);
    await until(() => ends.length === 2, 'both');
    expect(late.order).toEqual(['b']);
    expect(late.record('b')?.frames).toHaveLength(expectedFrames(TEXTS.b));
    expect(late.violations).toEqual([]);
  });
});
