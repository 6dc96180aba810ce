import { describe, expect, it } from 'vitest';
import { PronunciationDictionary } from '../PronunciationDictionary.ts';
import { TextFrontEnd } from '../TextFrontEnd.ts';
import { CHAT_LINES } from './chatLines.table.ts';

const frontEnd = new TextFrontEnd({
  dictionary: new PronunciationDictionary({ yyds: '永远的神', Chorus: '扣若斯' }),
  emoji: 'name',
  defaultLanguage: 'zh',
});

describe('chat lines read as a Mandarin speaker would', () => {
  it('has at least 80 lines, most of them without known issues', () => {
    expect(CHAT_LINES.length).toBeGreaterThanOrEqual(80);
    expect(CHAT_LINES.filter((line) => line.knownIssue !== undefined).length).toBeLessThanOrEqual(5);
  });

  for (const line of CHAT_LINES) {
    const test = line.knownIssue === undefined ? it : it.skip;
    test(`${line.input}${line.knownIssue ? ` (known issue: ${line.knownIssue})` : ''}`, () => {
      const sentences = frontEnd.process(line.input);
      const text = sentences.map((s) => s.parts.map((p) => p.text).join(' | ')).join(' ‖ ');
      const pinyin = sentences
        .map((s) => s.parts.filter((p) => p.language === 'zh').map((p) => p.pinyin ?? '').join(' | '))
        .filter((p) => p !== '')
        .join(' ‖ ');
      expect({ text, pinyin }).toEqual({ text: line.text, pinyin: line.pinyin });
    });
  }
});

describe('hasReadableText', () => {
  it('agrees with process() on every table line and on text that leaves nothing to read', () => {
    const emojiDropped = new TextFrontEnd({ emoji: 'drop' });
    const inputs = [...CHAT_LINES.map((line) => line.input), '', '   ', '\u200b\u200b', '😀😀', '!!!???', '。。。', '<>', '……', 'ok', '6'];
    let empty = 0;
    for (const input of inputs) {
      for (const front of [frontEnd, emojiDropped]) {
        const readable = front.process(input).length > 0;
        if (!readable) empty += 1;
        expect(front.hasReadableText(input), JSON.stringify(input)).toBe(readable);
      }
    }
    expect(empty).toBeGreaterThanOrEqual(6); // the list really has unreadable inputs
  });
});
