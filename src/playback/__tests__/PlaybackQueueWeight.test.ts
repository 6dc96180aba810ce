import { describe, expect, it } from 'vitest';
import type { SpeechJob } from '../../speech/SpeechJob.ts';
import { PlaybackQueue, type JobDrop } from '../PlaybackQueue.ts';
import { TARGET, speechJob } from './playbackTestKit.ts';

function superChat(id: string, cny: number): SpeechJob {
  return { ...speechJob(id, id, { priority: 'superChat' }), weight: cny };
}

describe('PlaybackQueue weights (super chats by amount)', () => {
  it('orders a class by weight, heaviest first, FIFO among equal weights, and leaves unweighted classes FIFO', () => {
    const queue = new PlaybackQueue({ target: TARGET });
    queue.enqueue(speechJob('c1', 'c1'));
    queue.enqueue(superChat('sc30a', 30));
    queue.enqueue(superChat('sc100', 100));
    queue.enqueue(speechJob('c2', 'c2'));
    queue.enqueue(superChat('sc30b', 30));
    queue.enqueue(superChat('sc50', 50));
    expect(queue.entries().map((entry) => entry.job.id)).toEqual(['sc100', 'sc50', 'sc30a', 'sc30b', 'c1', 'c2']);
  });

  it('when full of one class, evicts the oldest of the lightest, and refuses a job lighter than all of them', () => {
    const queue = new PlaybackQueue({ target: TARGET, maxLength: 3 });
    const drops: JobDrop[] = [];
    queue.on('drop', (drop) => drops.push(drop));
    queue.enqueue(superChat('sc50', 50));
    queue.enqueue(superChat('sc30a', 30));
    queue.enqueue(superChat('sc30b', 30));
    expect(queue.enqueue(superChat('sc40', 40))).toEqual({ accepted: true, evicted: expect.objectContaining({ id: 'sc30a' }) });
    expect(queue.enqueue(superChat('sc30c', 30))).toEqual({ accepted: true, evicted: expect.objectContaining({ id: 'sc30b' }) });
    expect(queue.enqueue(superChat('sc10', 10))).toEqual({ accepted: false, reason: 'queue-full' });
    expect(queue.entries().map((entry) => entry.job.id)).toEqual(['sc50', 'sc40', 'sc30c']);
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([['sc30a', 'queue-full'], ['sc30b', 'queue-full'], ['sc10', 'queue-full']]);
  });

  it('reports a retracted job with its own reason', () => {
    const queue = new PlaybackQueue({ target: TARGET });
    const drops: JobDrop[] = [];
    queue.on('drop', (drop) => drops.push(drop));
    queue.enqueue(speechJob('c1', 'c1'));
    expect(queue.remove('c1', 'retracted')).toBe(true);
    expect(drops).toEqual([expect.objectContaining({ reason: 'retracted', detail: 'Withdrawn on the platform before it was read.' })]);
  });

  it('wouldAccept answers what enqueue would do, without adding anything', () => {
    const queue = new PlaybackQueue({ target: TARGET, maxLength: 2 });
    expect(queue.wouldAccept('chat')).toBe(true);
    queue.enqueue(superChat('sc50', 50));
    queue.enqueue(superChat('sc30', 30));
    // Full of super chats: a chat is refused, a lighter super chat too, an equal or heavier one evicts.
    expect(queue.wouldAccept('chat')).toBe(false);
    expect(queue.wouldAccept('superChat', 10)).toBe(false);
    expect(queue.wouldAccept('superChat', 30)).toBe(true);
    expect(queue.length).toBe(2);
    for (const [priority, weight] of [['chat', 0], ['superChat', 10], ['superChat', 40]] as const) {
      const job = { ...speechJob(`x-${priority}-${weight}`, 'x', { priority }), weight };
      expect(queue.enqueue(job).accepted).toBe(priority === 'superChat' && weight === 40);
    }
  });

  it('wouldAccept makes room by dropping expired jobs first, as enqueue does', () => {
    let now = 1_000;
    const queue = new PlaybackQueue({ target: TARGET, maxLength: 1, now: () => now });
    const drops: JobDrop[] = [];
    queue.on('drop', (drop) => drops.push(drop));
    queue.enqueue({ ...speechJob('old', 'old', { priority: 'superChat' }), createdAt: now, deadline: now + 100 });
    expect(queue.wouldAccept('chat')).toBe(false);
    now += 200;
    expect(queue.wouldAccept('chat')).toBe(true);
    expect(drops.map((drop) => [drop.job.id, drop.reason])).toEqual([['old', 'expired']]);
  });
});
