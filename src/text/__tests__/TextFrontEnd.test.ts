import { describe, expect, it } from 'vitest';
import { PronunciationDictionary } from '../PronunciationDictionary.ts';
import { TextFrontEnd } from '../TextFrontEnd.ts';
import type { Sentence } from '../TextPart.ts';

const allText = (sentences: Sentence[]) => sentences.flatMap((s) => s.parts.map((p) => p.text)).join('');
const codePoints = (text: string) => [...text].length;

describe('TextFrontEnd', () => {
  const frontEnd = new TextFrontEnd({ defaultLanguage: 'zh' });

  it('gives Mandarin parts pinyin with one syllable per Han character, and English parts none', () => {
    const [sentence] = frontEnd.process('这个game好好玩');
    expect(sentence?.parts.map((p) => p.language)).toEqual(['zh', 'en', 'zh']);
    for (const part of sentence?.parts ?? []) {
      if (part.language === 'en') expect(part.pinyin).toBeUndefined();
      else expect(part.pinyin?.split(' ').length).toBe(codePoints(part.text.replace(/\P{Script=Han}/gu, '')));
    }
  });

  it('applies the dictionary before normalisation, so its readings are normalised too', () => {
    const withDictionary = new TextFrontEnd({ dictionary: new PronunciationDictionary({ 'gg': '打得好' }) });
    expect(allText(withDictionary.process('gg'))).toBe('打得好');
    expect(allText(new TextFrontEnd({ dictionary: new PronunciationDictionary({ 'x': '3个' }) }).process('x'))).toBe('三个');
  });

  it('drops emoji in drop mode and names them otherwise', () => {
    expect(allText(new TextFrontEnd({ emoji: 'drop' }).process('好棒👍'))).toBe('好棒');
    expect(allText(new TextFrontEnd({ emoji: 'name' }).process('好棒👍'))).toBe('好棒点赞');
  });

  it('reads text without letters in the default language', () => {
    expect(new TextFrontEnd({ defaultLanguage: 'en' }).process('666')[0]?.parts[0]).toEqual({ language: 'en', text: 'six hundred sixty-six' });
    expect(new TextFrontEnd({ defaultLanguage: 'zh' }).process('666')[0]?.parts[0]?.text).toBe('六六六');
  });

  it('replaces links by "link" in the language of the sentence', () => {
    expect(allText(new TextFrontEnd({ defaultLanguage: 'zh' }).process('check this https://example.com/x?y=1'))).toBe('check this link');
  });

  it('cuts long text at a sentence or word boundary within maxCharacters', () => {
    const short = new TextFrontEnd({ maxCharacters: 20 });
    const chinese = allText(short.process('今天天气很好。我们去公园散步吧，然后去吃饭。'));
    expect(chinese).toBe('今天天气很好。我们去公园散步吧，然后去吃');
    const english = allText(new TextFrontEnd({ maxCharacters: 20, defaultLanguage: 'en' }).process('supercalifragilistic words are long'));
    expect(english).toBe('supercalifragilistic');
    const numbers = allText(new TextFrontEnd({ maxCharacters: 10 }).process('我有 123456789012 个'));
    expect(numbers).toBe('我有');
  });

  it('cleans hostile input and never throws', () => {
    const hostile = [
      '\u202E反转文字\u202C', 'a\u0000b\u0007c', '零\u200B宽\uFEFF字', '\uD800孤立\uDC00代理', 'Z\u0301\u0302\u0303\u0304\u0305algo',
      '哈'.repeat(10_000), 'a'.repeat(10_000), '一二三四五六七八九十'.repeat(1000), '😂'.repeat(5000), '1'.repeat(10_000),
      '!'.repeat(10_000), ' \n\t ', '', '\uE000\uFFFF', '\u{E0001}\u{E0063}', '9'.repeat(40) + '块', 'http://' + 'a'.repeat(5000),
    ];
    for (const input of hostile) {
      const sentences = frontEnd.process(input);
      const text = allText(sentences);
      expect(text).not.toMatch(/[\u0000-\u001F\u202A-\u202E\u200B\uFEFF\uE000\uFFFF]/u);
      expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      const raw = sentences.flatMap((s) => s.parts.map((p) => p.text)).join('');
      // Normalisation expands digits into words, so bound the length loosely: it must not scale with input.
      expect(codePoints(raw)).toBeLessThan(2000);
    }
    expect(allText(frontEnd.process('\u202E反转文字\u202C'))).toBe('反转文字');
    expect(allText(frontEnd.process('哈'.repeat(10_000)))).toBe('哈哈哈哈');
  });

  it('accepts non-string input from untyped callers without throwing', () => {
    expect(frontEnd.process(undefined as unknown as string)).toEqual([]);
  });
});
