import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from '../ReconnectBackoff.ts';

describe('ReconnectBackoff', () => {
  it('doubles up to the cap, adds bounded jitter, and starts over after reset', () => {
    const noJitter = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, jitterMs: 0 });
    expect(Array.from({ length: 6 }, () => noJitter.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(noJitter.failures).toBe(6);
    noJitter.reset();
    expect(noJitter.next()).toBe(100);

    let r = 0;
    const values = [0, 0.5, 0.999];
    const jittered = new ReconnectBackoff({ initialDelayMs: 100, jitterMs: 300, random: () => values[r++]! });
    expect([jittered.next(), jittered.next(), jittered.next()]).toEqual([100, 200 + 150, 400 + 300]);

    const real = new ReconnectBackoff({ initialDelayMs: 1_000, jitterMs: 1_000 });
    const spread = new Set(Array.from({ length: 20 }, () => {
      real.reset();
      return real.next();
    }));
    expect(spread.size).toBeGreaterThan(1);
    for (const delay of spread) {
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});
