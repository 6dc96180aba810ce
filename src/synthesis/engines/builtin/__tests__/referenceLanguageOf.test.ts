import { describe, expect, it } from 'vitest';
import { DEFAULT_REFERENCE_LANGUAGE, referenceLanguageOf } from '../referenceLanguageOf.ts';

describe('referenceLanguageOf', () => {
  it('reads the language of the transcript by syllables, not characters', () => {
    expect(referenceLanguageOf('大家好，欢迎来到我的直播间。')).toBe('zh');
    expect(referenceLanguageOf('Thank you all for coming tonight.')).toBe('en');
    // Four Han syllables outweigh a short English word.
    expect(referenceLanguageOf('今天玩 game 吧')).toBe('zh');
    expect(referenceLanguageOf('I really love this song, 好听')).toBe('en');
  });

  it('falls back to the default without letters', () => {
    expect(referenceLanguageOf('')).toBe(DEFAULT_REFERENCE_LANGUAGE);
    expect(referenceLanguageOf(' 123, !! ')).toBe(DEFAULT_REFERENCE_LANGUAGE);
  });
});
