import { describe, expect, it } from 'vitest';
import {
  readChineseDigits, readChineseFraction, readChineseInteger, readChineseNumber, readChineseOrdinal, readChinesePercent,
} from '../ChineseNumberReader.ts';

describe('readChineseInteger', () => {
  it.each([
    ['0', '零'], ['10', '十'], ['15', '十五'], ['110', '一百一十'], ['1010', '一千零一十'], ['10050', '一万零五十'],
    ['100000', '十万'], ['100010', '十万零一十'], ['2024', '两千零二十四'], ['12000', '一万两千'], ['20000', '两万'],
    ['100000000', '一亿'], ['100000001', '一亿零一'], ['1000000000000', '一万亿'], ['1234500000000', '一万两千三百四十五亿'],
    ['10000000000000000', '一亿亿'], ['007', '七'],
  ])('%s → %s', (digits, reading) => {
    expect(readChineseInteger(digits)).toBe(reading);
  });

  it('uses 两 for a bare 2 only when asked (before a measure word)', () => {
    expect(readChineseInteger('2')).toBe('二');
    expect(readChineseInteger('2', { liang: true })).toBe('两');
    expect(readChineseInteger('22', { liang: true })).toBe('二十二');
  });

  it('reads numbers above 10^16 digit by digit', () => {
    expect(readChineseInteger('123456789012345678')).toBe('一二三四五六七八九零一二三四五六七八');
  });
});

describe('other Chinese number readings', () => {
  it('reads decimals, negatives, percentages, fractions and ordinals', () => {
    expect(readChineseNumber('3.14')).toBe('三点一四');
    expect(readChineseNumber('-3.5')).toBe('负三点五');
    expect(readChineseNumber('-0')).toBe('零');
    expect(readChinesePercent('50')).toBe('百分之五十');
    expect(readChineseFraction('3', '4')).toBe('四分之三');
    expect(readChineseOrdinal('2')).toBe('第二');
    expect(readChineseOrdinal('2000')).toBe('第二千');
  });

  it('reads digit strings with 幺 only for phone numbers', () => {
    expect(readChineseDigits('110')).toBe('一一零');
    expect(readChineseDigits('110', { yao: true })).toBe('幺幺零');
  });
});
