import { describe, expect, it } from 'vitest';
import { PronunciationDictionary } from '../PronunciationDictionary.ts';
import { TextFrontEnd } from '../TextFrontEnd.ts';

function spoken(frontEnd: TextFrontEnd, text: string): string {
  return frontEnd.process(text).flatMap((sentence) => sentence.parts.map((part) => part.text)).join('|');
}

describe('chat slang', () => {
  it('reads Latin chat abbreviations as the Chinese phrase, with pinyin', () => {
    const frontEnd = new TextFrontEnd();
    const sentences = frontEnd.process('主播yyds');
    expect(sentences.flatMap((s) => s.parts.map((p) => p.language))).toEqual(['zh']);
    expect(spoken(frontEnd, '主播yyds')).toBe('主播永远的神');
    expect(sentences[0]?.parts[0]?.pinyin).toBe('zhu3 bo1 yong3 yuan3 de5 shen2');
    expect(spoken(frontEnd, 'XSWL 这也行')).toContain('笑死我了');
    expect(spoken(frontEnd, 'u1s1，挺好')).toContain('有一说一');
  });

  it('only replaces whole words, and the streamer’s dictionary wins', () => {
    expect(spoken(new TextFrontEnd(), 'the nbc news')).not.toContain('牛');
    const custom = new TextFrontEnd({ dictionary: new PronunciationDictionary({ yyds: '歪歪迪艾斯' }) });
    expect(spoken(custom, 'yyds')).toBe('歪歪迪艾斯');
    expect(spoken(new TextFrontEnd({ chatSlang: false }), 'yyds')).not.toContain('永远');
  });
});
