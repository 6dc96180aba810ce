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
});
