import { describe, expect, it } from 'vitest';
import { PronunciationDictionary } from '../PronunciationDictionary.ts';

describe('PronunciationDictionary', () => {
  it('replaces words, longest match first', () => {
    const dictionary = new PronunciationDictionary({ yyds: '永远的神', 原神: '原神游戏', 原神启动: '原神，启动' });
    expect(dictionary.apply('原神启动！yyds')).toBe('原神，启动！永远的神');
    expect(dictionary.apply('原神好玩')).toBe('原神游戏好玩');
  });

  it('matches Latin case-insensitively and only as whole words', () => {
    const dictionary = new PronunciationDictionary([{ word: 'Chorus', reading: '扣若斯' }, { word: 'gg', reading: '菜' }]);
    expect(dictionary.apply('CHORUS好')).toBe('扣若斯好');
    expect(dictionary.apply('chorus, hi')).toBe('扣若斯, hi');
    expect(dictionary.apply('Choruses eggs')).toBe('Choruses eggs');
  });

  it('can be edited', () => {
    const dictionary = new PronunciationDictionary();
    dictionary.set('xswl', '笑死我了');
    expect(dictionary.size).toBe(1);
    expect(dictionary.apply('xswl')).toBe('笑死我了');
    expect(dictionary.delete('XSWL')).toBe(true);
    expect(dictionary.apply('xswl')).toBe('xswl');
  });

  it('keeps surrogate pairs intact', () => {
    expect(new PronunciationDictionary({ a: 'b' }).apply('😂a😂')).toBe('😂b😂');
  });
});
