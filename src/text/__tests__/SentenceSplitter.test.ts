import { describe, expect, it } from 'vitest';
import type { ScriptRun } from '../ScriptSplitter.ts';
import { SentenceSplitter } from '../SentenceSplitter.ts';

const zh = (text: string): ScriptRun => ({ language: 'zh', text });
const en = (text: string): ScriptRun => ({ language: 'en', text });
const texts = (sentences: ScriptRun[][]) => sentences.map((s) => s.map((p) => p.text).join('|'));

describe('SentenceSplitter', () => {
  const splitter = new SentenceSplitter();

  it('splits on Chinese and English terminators and newlines', () => {
    expect(texts(splitter.split([zh('你好。今天好吗？我很好！\n再见')]))).toEqual(['你好。', '今天好吗？', '我很好！', '再见']);
    expect(texts(splitter.split([en('Hi there. How are you? Fine!')]))).toEqual(['Hi there.', 'How are you?', 'Fine!']);
  });

  it('keeps closing quotes and brackets with their sentence', () => {
    expect(texts(splitter.split([zh('他说：“走吧。”（笑）好的。')]))).toEqual(['他说：“走吧。”', '（笑）好的。']);
  });

  it('keeps language parts together within a sentence', () => {
    const sentences = splitter.split([zh('这个'), en('game'), zh('好玩。下一个')]);
    expect(sentences.map((s) => s.map((p) => p.language))).toEqual([['zh', 'en', 'zh'], ['zh']]);
  });

  it('merges fragments shorter than two characters into a neighbour', () => {
    expect(texts(splitter.split([zh('好。我们走吧。')]))).toEqual(['好。 我们走吧。']);
    expect(texts(splitter.split([zh('我们走吧。嗯。')]))).toEqual(['我们走吧。 嗯。']);
  });

  it('splits long sentences at commas, and at the limit when there is no comma', () => {
    const clause = '一二三四五六七八九十'.repeat(3);
    const long = splitter.split([zh(`${clause}，${clause}，${clause}。`)]);
    expect(long.length).toBeGreaterThan(1);
    for (const sentence of long) expect(sentence.map((p) => p.text).join('').replace(/[，。]/g, '').length).toBeLessThanOrEqual(60);
    const noComma = splitter.split([zh('好'.repeat(150))]);
    expect(noComma.map((s) => s[0]?.text.length)).toEqual([60, 60, 30]);
    const words = splitter.split([en('word '.repeat(100))]);
    expect(words.length).toBeGreaterThan(1);
    for (const sentence of words) expect(sentence[0]?.text.length).toBeLessThanOrEqual(200);
    expect(words.map((s) => s[0]?.text).join(' ').split(' ').every((w) => w === 'word')).toBe(true);
  });
});
