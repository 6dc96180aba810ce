import { describe, expect, it } from 'vitest';
import { TimeSlice } from '../TimeSlice.ts';

describe('TimeSlice', () => {
  it('lets work through while the turn has budget, then spreads the rest over later loop turns, in order', async () => {
    let clock = 0;
    const slice = new TimeSlice(5, () => clock);
    const log: string[] = [];
    // Stands for timers and sockets: each loop turn, something else gets to run.
    let running = true;
    const other = (): void => {
      if (!running) return;
      log.push('|');
      setImmediate(other);
    };
    setImmediate(other);
    const work = Array.from({ length: 6 }, async (_, n) => {
      while (!slice.hasBudget()) await slice.nextTurn();
      log.push(`w${n}`);
      clock += 3; // each piece costs 3 ms: two fit in a 5 ms turn (the second starts at 3 ms)
    });
    await Promise.all(work);
    running = false;
    expect(log.filter((entry) => entry !== '|')).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);
    // Two pieces per turn, with other work between turns.
    expect(log.join(' ').replace(/(\| )+/g, '| ').replace(/( \|)+$/, '')).toBe('w0 w1 | w2 w3 | w4 w5');
  });

  it('does not hold work back while the budget lasts', async () => {
    const slice = new TimeSlice(1_000);
    const log: string[] = [];
    setImmediate(() => log.push('immediate'));
    expect(slice.hasBudget()).toBe(true);
    log.push('work');
    expect(log).toEqual(['work']);
  });
});
