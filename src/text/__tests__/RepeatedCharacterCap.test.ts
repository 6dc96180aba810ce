import { describe, expect, it } from 'vitest';
import { RepeatedCharacterCap } from '../RepeatedCharacterCap.ts';

describe('RepeatedCharacterCap', () => {
  const cap = new RepeatedCharacterCap();

  it('caps runs of one character at four by default', () => {
    expect(cap.apply('哈哈哈哈哈哈哈哈')).toBe('哈哈哈哈');
    expect(cap.apply('6666666')).toBe('6666');
    expect(cap.apply('!!!!!!!')).toBe('!!!!');
    expect(cap.apply('loooool')).toBe('looool');
    expect(cap.apply('哈哈哈')).toBe('哈哈哈');
  });

  it('caps repeated 2–3 character units at three repeats', () => {
    expect(cap.apply('hahahahahaha')).toBe('hahaha');
    expect(cap.apply('别走别走别走别走')).toBe('别走别走别走');
    expect(cap.apply('abcabcabcabcabc')).toBe('abcabcabc');
  });

  it('never breaks emoji or the zeros of a number', () => {
    expect(cap.apply('😂😂😂😂😂😂')).toBe('😂😂😂😂');
    expect(cap.apply('10000000')).toBe('10000000');
  });

  it('is configurable', () => {
    expect(new RepeatedCharacterCap({ maxRun: 2, maxUnitRepeats: 1 }).apply('哈哈哈哈 abab')).toBe('哈哈 ab');
  });
});
