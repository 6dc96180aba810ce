import { describe, expect, it } from 'vitest';
import { normalizeEnglish } from '../EnglishNormalizer.ts';
import { readEnglishInteger, readEnglishOrdinal } from '../EnglishNumberReader.ts';

describe('English numbers', () => {
  it.each([
    ['0', 'zero'], ['13', 'thirteen'], ['42', 'forty-two'], ['100', 'one hundred'], ['1001', 'one thousand one'],
    ['1234567', 'one million two hundred thirty-four thousand five hundred sixty-seven'],
  ])('%s → %s', (digits, words) => {
    expect(readEnglishInteger(digits)).toBe(words);
  });

  it('reads ordinals', () => {
    expect(readEnglishOrdinal('1')).toBe('first');
    expect(readEnglishOrdinal('22')).toBe('twenty-second');
    expect(readEnglishOrdinal('40')).toBe('fortieth');
    expect(readEnglishOrdinal('12')).toBe('twelfth');
  });
});

describe('normalizeEnglish', () => {
  it.each([
    ['I have 3 cats', 'I have three cats'],
    ['pi is 3.14', 'pi is three point one four'],
    ['the 1st and 2nd', 'the first and second'],
    ['$3.50', 'three dollars and fifty cents'],
    ['$1', 'one dollar'],
    ['$0.99', 'ninety-nine cents'],
    ['50% off', 'fifty percent off'],
    ['see you at 3:30', 'see you at three thirty'],
    ['8:05 am', 'eight oh five A M'],
    ['at 7pm', 'at seven P M'],
    ['Dr. Smith vs. Mr. Jones', 'Doctor Smith versus Mister Jones'],
    ['fruit, e.g. apples', 'fruit, for example apples'],
    ['lol', 'L O L'],
    ['loooool', 'L O L'],
    ['brb', 'be right back'],
    ['GG', 'good game'],
    ['idk tbh', "I don't know to be honest"],
    ['imo omg btw', 'in my opinion oh my god by the way'],
    ['1,000 viewers', 'one thousand viewers'],
    ['-5 degrees', 'minus five degrees'],
    ['call 5551234', 'call five five five one two three four'],
    ['5km', 'five kilometers'],
    ['you & me', 'you and me'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeEnglish(input)).toBe(expected);
  });

  it('does not expand shorthand inside longer words', () => {
    expect(normalizeEnglish('eggs are good')).toBe('eggs are good');
  });
});
