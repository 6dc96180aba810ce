import { describe, expect, it } from 'vitest';
import { PinyinConverter } from '../PinyinConverter.ts';

const converter = new PinyinConverter();

describe('PinyinConverter', () => {
  it.each([
    ['银行', 'yin2 hang2'],
    ['行长', 'hang2 zhang3'],
    ['行不行', 'xing2 bu5 xing2'],
    ['重庆', 'chong2 qing4'],
    ['重量', 'zhong4 liang4'],
    ['还有', 'hai2 you3'],
    ['还钱', 'huan2 qian2'],
    ['绿', 'lv4'],
    ['我们', 'wo3 men5'],
  ])('%s → %s', (han, pinyin) => {
    expect(converter.convert(han)).toBe(pinyin);
  });

  it('applies 不 sandhi before a fourth tone only', () => {
    expect(converter.convert('不是')).toBe('bu2 shi4');
    expect(converter.convert('不好')).toBe('bu4 hao3');
  });

  it('applies 一 sandhi, keeping yi1 in numbers, ordinals and at word end', () => {
    expect(converter.convert('一个')).toBe('yi2 ge4');
    expect(converter.convert('一天')).toBe('yi4 tian1');
    expect(converter.convert('第一')).toBe('di4 yi1');
    expect(converter.convert('十一')).toBe('shi2 yi1');
    expect(converter.convert('统一')).toBe('tong3 yi1');
    expect(converter.convert('一月')).toBe('yi1 yue4');
    expect(converter.convert('一万一千')).toBe('yi2 wan4 yi4 qian1');
    expect(converter.convert('点一下')).toBe('dian3 yi2 xia4');
  });

  it('maps CJK punctuation to ASCII marks and keeps only the strongest of a cluster', () => {
    expect(converter.convert('你好，主播。')).toBe('ni3 hao3, zhu3 bo1.');
    expect(converter.convert('真的？！')).toBe('zhen1 de5?');
    expect(converter.convert('，开头')).toBe('kai1 tou2');
  });

  it('ignores characters it cannot read and writes interjections espeak can say', () => {
    expect(converter.convert('abc')).toBe('');
    expect(converter.convert('嗯')).toMatch(/^en[1-5]$/);
  });

  it('accepts extra corrections that override pinyin-pro', () => {
    expect(new PinyinConverter({ 行长: 'xing2 chang2' }).convert('行长')).toBe('xing2 chang2');
  });
});
