import { describe, expect, it } from 'vitest';
import { normalizeChinese } from '../ChineseNormalizer.ts';

describe('normalizeChinese', () => {
  it.each([
    ['2024年3月5日', '二零二四年三月五日'],
    ['2024/3/5', '二零二四年三月五日'],
    ['3月5号', '三月五号'],
    ['1998年', '一九九八年'],
    ['3年', '三年'],
    ['14:30', '十四点三十分'],
    ['8:05', '八点零五分'],
    ['09:00:15', '九点零分十五秒'],
    ['¥12.5', '十二点五元'],
    ['12.5元', '十二点五元'],
    ['$3', '三美元'],
    ['€20', '二十欧元'],
    ['13812345678', '幺三八幺二三四五六七八'],
    ['+86 138-1234-5678', '幺三八幺二三四五六七八'],
    ['3493118', '三四九三一一八'],
    ['电话5551234', '电话五五五幺二三四'],
    ['50%', '百分之五十'],
    ['3/4', '四分之三'],
    ['第2', '第二'],
    ['2个', '两个'],
    ['2公里', '两公里'],
    ['5km', '五公里'],
    ['60kg', '六十公斤'],
    ['36.5℃', '三十六点五摄氏度'],
    ['3k', '三千'],
    ['5-3=2', '五减三等于二'],
    ['1~3天', '一到三天'],
    ['-5', '负五'],
    ['666', '六六六'],
    ['999元', '九百九十九元'],
    ['A&B', 'A和B'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeChinese(input)).toBe(expected);
  });

  it('leaves Latin words for the English voice', () => {
    expect(normalizeChinese('玩game')).toBe('玩game');
  });

  it('rejects impossible dates instead of misreading them', () => {
    expect(normalizeChinese('2024-13-45')).not.toContain('年');
    expect(normalizeChinese('2024-12-25')).toBe('二零二四年十二月二十五日');
  });
});
