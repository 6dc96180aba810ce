import { describe, expect, it } from 'vitest';
import { ChatAccounting } from '../ChatAccounting.ts';
import type { ChatEvent } from '../ChatEvent.ts';
import { ChatPolicy } from '../ChatPolicy.ts';
import { RepeatFilter } from '../RepeatFilter.ts';
import { ViewerRateLimit } from '../ViewerRateLimit.ts';
import type { Sentence } from '../../text/TextPart.ts';

/** Counts text front end and voice lookups: the costly part of a decision. */
function countingPolicy(options: { repeatWindowMs?: number } = {}): { policy: ChatPolicy; calls: { text: number; voice: number } } {
  const calls = { text: 0, voice: 0 };
  const text = {
    process: (input: string): Sentence[] => {
      calls.text += 1;
      return input.trim() === '' ? [] : [{ parts: [{ language: 'zh', text: input }] }];
    },
    hasReadableText: (input: string): boolean => input.trim() !== '',
  };
  const voices = {
    chooseVoice: async (): Promise<string> => {
      calls.voice += 1;
      return 'default';
    },
  };
  const policy = new ChatPolicy(text, voices, { ignoreBots: true, maxAgeMs: { default: 60_000 }, now: () => 0, ...options });
  return { policy, calls };
}

function event(id: string, overrides: Partial<ChatEvent> = {}): ChatEvent {
  return { id, platform: 'bilibili', target: 't', author: { userId: id, displayName: id }, text: `消息${id}`, kind: 'chat', receivedAt: 0, ...overrides };
}

describe('ChatPolicy under a flood', () => {
  it('drops a message the queue would refuse before the text front end and the voice lookup run', async () => {
    const { policy, calls } = countingPolicy();
    const asked: [string, number][] = [];
    const full = (priority: string, weight: number): boolean => {
      asked.push([priority, weight]);
      return priority === 'superChat' && weight >= 50;
    };
    const decision = await policy.decide(event('a', { speech: { template: '{uname}说{msg}', values: {} } }), full);
    expect(decision).toMatchObject({ kind: 'drop', reason: 'queue-full', priority: 'chat' });
    expect(calls).toEqual({ text: 0, voice: 0 });
    // The super chat's amount is its weight, as in the queue.
    expect(await policy.decide(event('sc', { eventType: 'superChat', amountCny: 30, paid: true }), full)).toMatchObject({ kind: 'drop', reason: 'queue-full', priority: 'superChat' });
    expect(await policy.decide(event('sc2', { eventType: 'superChat', amountCny: 50, paid: true }), full)).toMatchObject({ kind: 'speak', job: { weight: 50 } });
    expect(asked).toEqual([['chat', 0], ['superChat', 30], ['superChat', 50]]);
    expect(calls.voice).toBe(1);
  });

  it('applies the cheap filters before asking the queue: a repeat is dropped as a repeat', async () => {
    const { policy, calls } = countingPolicy({ repeatWindowMs: 10_000 });
    let asked = 0;
    const admits = (): boolean => {
      asked += 1;
      return true;
    };
    expect(await policy.decide(event('a', { text: '草' }), admits)).toMatchObject({ kind: 'speak' });
    expect(await policy.decide(event('b', { text: '草' }), admits)).toMatchObject({ kind: 'drop', reason: 'repeat' });
    expect(asked).toBe(1);
    expect(calls.text).toBe(1);
  });
});

describe('memory bounds of the per-viewer and per-text state', () => {
  it('ViewerRateLimit forgets viewers idle for a whole window, so its size follows active viewers, not all viewers ever seen', () => {
    const limit = new ViewerRateLimit(6, 60_000);
    let now = 0;
    let maxSize = 0;
    // 15 000 distinct viewers, 100 per second, one message each: at most one window's worth is remembered.
    for (let viewer = 0; viewer < 15_000; viewer++) {
      now = viewer * 10;
      if (!limit.allow(`v${viewer}`, now)) throw new Error(`viewer ${viewer} refused`);
      maxSize = Math.max(maxSize, limit.size);
    }
    expect(maxSize).toBe(6_000);
    expect(limit.size).toBeGreaterThan(0);
    limit.allow('late', now + 120_001);
    expect(limit.size).toBe(1);
  });

  it('RepeatFilter keeps only texts seen within the window, and at most maxKeys', () => {
    const filter = new RepeatFilter(1_000, 500);
    let maxSize = 0;
    for (let n = 0; n < 20_000; n++) {
      filter.isRepeat(`第${n}条`, n);
      maxSize = Math.max(maxSize, filter.size);
    }
    expect(maxSize).toBe(500);
    filter.isRepeat('last', 40_000);
    expect(filter.size).toBe(1);
  });

  it('ChatAccounting remembers at most maxTracked paid items and counts every one', () => {
    const accounting = new ChatAccounting({ maxTracked: 100 });
    for (let n = 0; n < 5_000; n++) {
      accounting.received(`sc${n}`, 'superChat');
      if (n % 2 === 0) accounting.spoken(`sc${n}`, 'superChat');
      else accounting.dropped(`sc${n}`, 'superChat', 'expired', 'too old');
    }
    const snapshot = accounting.snapshot();
    expect(snapshot.tracked.length).toBeLessThanOrEqual(101);
    expect(snapshot.byClass.superChat).toMatchObject({ received: 5_000, spoken: 2_500, dropped: { expired: 2_500 } });
  });
});
