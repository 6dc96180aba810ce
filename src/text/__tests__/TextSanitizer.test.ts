import { describe, expect, it } from 'vitest';
import { sanitizeText } from '../TextSanitizer.ts';
import { truncateText } from '../TextTruncator.ts';

describe('sanitizeText', () => {
  it('removes controls, bidi overrides, zero-width characters and lone surrogates', () => {
    expect(sanitizeText('a\u0000b\u202Ec\u200Bd\uFEFFe\uD800f')).toBe('abcdef');
  });

  it('keeps ZWJ and variation selectors for emoji, and folds fullwidth alphanumerics', () => {
    expect(sanitizeText('👨\u200D👩\uFE0F')).toBe('👨\u200D👩\uFE0F');
    expect(sanitizeText('ＡＢＣ１２３')).toBe('ABC123');
    expect(sanitizeText('你好，世界！')).toBe('你好，世界！');
  });

  it('normalises line breaks and limits stacked combining marks', () => {
    expect(sanitizeText('a\r\nb\u2028c')).toBe('a\nb\nc');
    expect(sanitizeText('e\u0301\u0302\u0303\u0304')).toBe('e\u0301\u0302');
  });
});

describe('truncateText', () => {
  it('returns short text unchanged and cuts at a sentence end when one is near the limit', () => {
    expect(truncateText('短', 5)).toBe('短');
    expect(truncateText('你好。今天很好啊', 5)).toBe('你好。');
  });

  it('never cuts a Latin word, a number or a surrogate pair', () => {
    expect(truncateText('hello wonderful', 10)).toBe('hello');
    expect(truncateText('共12345个', 4)).toBe('共');
    expect(truncateText('好😂😂😂', 3)).toBe('好😂😂');
  });
});
