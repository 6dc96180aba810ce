import { describe, expect, it } from 'vitest';
import type { PriorityClass } from '../../speech/SpeechJob.ts';
import { PlaybackQueue, type JobDrop, type PlaybackQueueOptions } from '../PlaybackQueue.ts';
import { TARGET, alice, bob, speechJob } from './playbackTestKit.ts';

function makeQueue(options: Partial<PlaybackQueueOptions> = {}): { queue: PlaybackQueue; drops: JobDrop[] } {
  const queue = new PlaybackQueue({ target: TARGET, ...options });
  const drops: JobDrop[] = [];
  queue.on('drop', (drop) => drops.push(drop));
  return { queue, drops };
}

function takeAll(queue: PlaybackQueue): string[] {
  const ids: string[] = [];
  for (let entry = queue.take(); entry; entry = queue.take()) ids.push(entry.job.id);
  return ids;
}

describe('PlaybackQueue', () => {
  it('orders by priority class, then by arrival within a class', () => {
    const { queue } = makeQueue();
    const arrivals: [string, PriorityClass][] = [
      ['c1', 'chat'], ['o1', 'other'], ['g1', 'freeGift'], ['c2', 'chat'], ['s1', 'system'],
      ['sc1', 'superChat'], ['cmd1', 'command'], ['sc2', 'superChat'], ['c3', 'chat'], ['guard1', 'guard'],
    ];
    for (const [id, priority] of arrivals) queue.enqueue(speechJob(id, id, { priority }));
    expect(queue.entries().map((entry) => entry.job.id)).toEqual(['s1', 'sc1', 'sc2', 'guard1', 'cmd1', 'c1', 'c2', 'c3', 'g1', 'o1']);
    expect(queue.peek()?.job.id).toBe('s1');
    expect(takeAll(queue)).toEqual(['s1', 'sc1', 'sc2', 'guard1', 'cmd1', 'c1', 'c2', 'c3', 'g1', 'o1']);
    expect(queue.length).toBe(0);
  });

  it('when full, a job evicts the oldest job of the lowest class present, if that class is not above its own', () => {
    const { queue, drops } = makeQueue({ maxLength: 3 });
    queue.enqueue(speechJob('chat-1', 'one'));
    queue.enqueue(speechJob('gift-1', 'gift', { priority: 'freeGift' }));
    queue.enqueue(speechJob('chat-2', 'two'));

    // A chat message outranks free gifts: the free gift goes, although it is not the oldest job.
    expect(queue.enqueue(speechJob('chat-3', 'three'))).toEqual({ accepted: true, evicted: expect.objectContaining({ id: 'gift-1' }) });
    // Same class: the oldest chat message makes room for the newest.
    expect(queue.enqueue(speechJob('chat-4', 'four'))).toMatchObject({ accepted: true, evicted: { id: 'chat-1' } });
    // A lower class cannot push out a higher one: refused.
    expect(queue.enqueue(speechJob('gift-2', 'gift', { priority: 'freeGift' }))).toEqual({ accepted: false, reason: 'queue-full' });
    // A super chat evicts the oldest of the lowest class present (chat).
    expect(queue.enqueue(speechJob('sc-1', 'paid', { priority: 'superChat' }))).toMatchObject({ accepted: true, evicted: { id: 'chat-2' } });

    expect(queue.entries().map((entry) => entry.job.id)).toEqual(['sc-1', 'chat-3', 'chat-4']);
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([
      ['gift-1', 'queue-full'],
      ['chat-1', 'queue-full'],
      ['gift-2', 'queue-full'],
      ['chat-2', 'queue-full'],
    ]);
    expect(drops[2]?.detail).toMatch(/full/);
  });

  it('refuses a job when every queued job is of a higher class', () => {
    const { queue, drops } = makeQueue({ maxLength: 2 });
    queue.enqueue(speechJob('sys-1', 'a', { priority: 'system' }));
    queue.enqueue(speechJob('sc-1', 'b', { priority: 'superChat' }));
    expect(queue.enqueue(speechJob('chat-1', 'c'))).toEqual({ accepted: false, reason: 'queue-full' });
    expect(queue.has('chat-1')).toBe(false);
    expect(drops).toEqual([expect.objectContaining({ reason: 'queue-full', job: expect.objectContaining({ id: 'chat-1' }) })]);
  });

  it('drops jobs older than their class allows, or past their deadline, when they are reached', () => {
    let now = 10_000;
    const { queue, drops } = makeQueue({ maxAgeMs: { chat: 1_000 }, now: () => now });
    queue.enqueue(speechJob('sc-old', 'paid', { priority: 'superChat', createdAt: now }));
    queue.enqueue(speechJob('chat-old', 'old', { createdAt: now }));
    queue.enqueue(speechJob('chat-deadline', 'deadline', { createdAt: now, deadline: now + 500 }));
    now += 800;
    queue.enqueue(speechJob('chat-new', 'new', { createdAt: now }));
    expect(drops).toEqual([]);
    now += 400; // chat-old is 1200 ms old (limit 1000), chat-deadline is 700 ms past its deadline, chat-new is 400 ms old.
    expect(takeAll(queue)).toEqual(['sc-old', 'chat-new']);
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([
      ['chat-old', 'expired'],
      ['chat-deadline', 'expired'],
    ]);
    expect(drops[0]?.detail).toContain('"chat"');
  });

  it('makes room by dropping expired jobs before evicting live ones', () => {
    let now = 0;
    const { queue, drops } = makeQueue({ maxLength: 2, maxAgeMs: { chat: 1_000 }, now: () => now });
    queue.enqueue(speechJob('chat-old', 'old', { createdAt: 0 }));
    now = 900;
    queue.enqueue(speechJob('chat-mid', 'mid', { createdAt: 900 }));
    now = 1_500;
    expect(queue.enqueue(speechJob('chat-new', 'new', { createdAt: 1_500 }))).toEqual({ accepted: true });
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([['chat-old', 'expired']]);
    expect(takeAll(queue)).toEqual(['chat-mid', 'chat-new']);
  });

  it('removes one job by id as skipped', () => {
    const { queue, drops } = makeQueue();
    queue.enqueue(speechJob('a', 'a'));
    queue.enqueue(speechJob('b', 'b'));
    expect(queue.remove('a')).toBe(true);
    expect(queue.remove('a')).toBe(false);
    expect(queue.remove('missing')).toBe(false);
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([['a', 'skipped']]);
    expect(takeAll(queue)).toEqual(['b']);
  });

  it('clears one speaker’s jobs, or all', () => {
    const { queue, drops } = makeQueue();
    queue.enqueue(speechJob('a1', 'a', { speaker: alice }));
    queue.enqueue(speechJob('b1', 'b', { speaker: bob }));
    queue.enqueue(speechJob('a2', 'a', { speaker: alice, priority: 'superChat' }));
    queue.enqueue(speechJob('b2', 'b', { speaker: bob }));
    // Same user id on another platform is another person.
    queue.enqueue(speechJob('x1', 'x', { speaker: { ...alice, platform: 'bilibili' } }));
    expect(queue.clear({ platform: 'discord', userId: alice.userId }).map((job) => job.id).sort()).toEqual(['a1', 'a2']);
    expect(queue.entries().map((entry) => entry.job.id)).toEqual(['b1', 'b2', 'x1']);
    expect(queue.clear().map((job) => job.id)).toEqual(['b1', 'b2', 'x1']);
    expect(queue.length).toBe(0);
    expect(drops.every((drop) => drop.reason === 'cleared')).toBe(true);
    expect(drops).toHaveLength(5);
  });

  it('lists a serialisable snapshot in play order', () => {
    let now = 5_000;
    const { queue } = makeQueue({ maxLength: 7, now: () => now });
    queue.enqueue(speechJob('c1', 'hello there', { createdAt: 4_000, deadline: 9_000 }));
    queue.enqueue(speechJob('s1', 'system says', { priority: 'system', createdAt: 4_500, speaker: bob }));
    now = 6_000;
    const snapshot = queue.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot).toMatchObject({ target: TARGET, maxLength: 7, length: 2 });
    expect(snapshot.entries.map((entry) => [entry.position, entry.jobId, entry.ageMs])).toEqual([
      [0, 's1', 1_500],
      [1, 'c1', 2_000],
    ]);
    expect(snapshot.entries[1]).toMatchObject({ displayText: 'hello there', msUntilDeadline: 3_000, speaker: { displayName: 'Alice' } });
  });

  it('refuses a duplicate id and a job for another target', () => {
    const { queue } = makeQueue();
    expect(queue.enqueue(speechJob('a', 'a'))).toEqual({ accepted: true });
    expect(queue.enqueue(speechJob('a', 'again'))).toEqual({ accepted: false, reason: 'duplicate' });
    expect(() => queue.enqueue({ ...speechJob('b', 'b'), target: 'elsewhere' })).toThrow(/elsewhere/);
    expect(queue.length).toBe(1);
  });

  it('announces additions', () => {
    const { queue } = makeQueue();
    const added: string[] = [];
    queue.on('add', (entry) => added.push(entry.job.id));
    queue.enqueue(speechJob('a', 'a'));
    queue.enqueue(speechJob('a', 'a'));
    expect(added).toEqual(['a']);
  });
});
