import { describe, expect, it } from 'vitest';
import { EmojiReader } from '../EmojiReader.ts';

describe('EmojiReader', () => {
  const reader = new EmojiReader('name');

  it('names emoji in the language of the surrounding text', () => {
    expect(reader.read('好好笑😂', 'en')).toBe('好好笑笑哭');
    expect(reader.read('so funny 😂', 'zh').trim()).toBe('so funny tears of joy');
    expect(reader.read('👍', 'en').trim()).toBe('thumbs up');
  });

  it('ignores skin tones and variation selectors, and handles ZWJ sequences', () => {
    expect(reader.read('好👍🏿', 'zh')).toBe('好点赞');
    expect(reader.read('唉🤦🏻‍♂️', 'zh')).toBe('唉捂脸');
    expect(reader.read('我❤️你', 'zh')).toBe('我爱心你');
    expect(reader.read('家👨‍👩‍👧', 'zh')).toBe('家');
  });

  it('says a run of the same emoji once and drops unknown ones', () => {
    expect(reader.read('哈😂😂😂😂', 'zh')).toBe('哈笑哭');
    expect(reader.read('哈🦩🛸', 'zh')).toBe('哈');
    expect(reader.read('🇨🇳加油', 'zh')).toBe('加油');
  });

  it('drops everything in drop mode', () => {
    expect(new EmojiReader('drop').read('好😂👍棒', 'zh')).toBe('好棒');
  });
});
