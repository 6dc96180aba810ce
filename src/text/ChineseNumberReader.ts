/**
 * Reads Arabic numbers aloud in Mandarin, as Han characters ("2024" → "两千零二十四").
 * Pure functions over digit strings, so callers never lose precision on long numbers.
 */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;
const SECTION_UNITS = ['', '万', '亿', '万亿', '亿亿'] as const;

/** Largest integer read as a quantity (10^16, "一亿亿"); longer digit strings are read digit by digit. */
const MAX_QUANTITY_DIGITS = 17;

export interface ChineseIntegerOptions {
  /**
   * Use 两 where Mandarin speakers naturally do: a bare 2 before a measure word ("两个"), and 2 in front
   * of 千/万/亿 ("两千", "两万"). Off for ordinals, dates and digit readings, where 二 is the only reading.
   */
  readonly liang?: boolean;
  /** Use 两 for a 2 in front of 千/万/亿 inside a larger number ("12000" → "一万两千"). Default true. */
  readonly innerLiang?: boolean;
}

function digitOf(char: string): string {
  return DIGITS[Number(char)] ?? '';
}

/** Reads 1–9999 (a four-digit "section"). `inner` = a higher section precedes, so 10 reads 一十 not 十. */
function readSection(section: number, inner: boolean, liang: boolean): string {
  const thousands = Math.floor(section / 1000);
  const hundreds = Math.floor(section / 100) % 10;
  const tens = Math.floor(section / 10) % 10;
  const ones = section % 10;
  let out = '';
  let pendingZero = false;
  const place = (digit: number, unit: string, useLiang: boolean): void => {
    if (digit === 0) {
      if (out !== '') pendingZero = true;
      return;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    out += (digit === 2 && useLiang ? '两' : DIGITS[digit]) + unit;
  };
  place(thousands, '千', liang);
  place(hundreds, '百', false);
  if (tens === 1 && out === '' && !inner) {
    out += '十';
  } else {
    place(tens, '十', false);
  }
  place(ones, '', false);
  return out;
}

/**
 * Reads a non-negative integer given as digits, with 万/亿 grouping and 零 for gaps
 * ("10050" → "一万零五十", "100000000" → "一亿"). Leading zeros are ignored ("007" → "七");
 * use {@link readChineseDigits} when they matter. Numbers above 10^16 are read digit by digit.
 */
export function readChineseInteger(digits: string, options: ChineseIntegerOptions = {}): string {
  const clean = digits.replace(/^0+(?=\d)/, '');
  if (!/^\d+$/.test(clean)) return '';
  if (clean.length > MAX_QUANTITY_DIGITS || (clean.length === MAX_QUANTITY_DIGITS && clean !== '1' + '0'.repeat(16))) {
    return readChineseDigits(clean);
  }
  if (clean === '0') return '零';
  const liang = options.liang ?? false;
  const innerLiang = options.innerLiang ?? true;
  if (clean === '2') return liang ? '两' : '二';

  const sections: number[] = [];
  for (let end = clean.length; end > 0; end -= 4) {
    sections.push(Number(clean.slice(Math.max(0, end - 4), end)));
  }
  let out = '';
  let pendingZero = false;
  for (let index = sections.length - 1; index >= 0; index--) {
    const section = sections[index] ?? 0;
    if (section === 0) {
      if (out !== '') pendingZero = true;
      continue;
    }
    const inner = out !== '';
    if (inner && (pendingZero || section < 1000)) out += '零';
    pendingZero = false;
    let unit: string = SECTION_UNITS[index] ?? '';
    // 一万二千亿: when the 亿 section is present, the 万亿 section only needs 万.
    if (index === 3 && (sections[2] ?? 0) !== 0) unit = '万';
    const reading = section === 2 && index > 0 && innerLiang ? '两' : readSection(section, inner, innerLiang);
    out += reading + unit;
  }
  return out;
}

/** Reads digits one by one ("0571" → "零五七一"); `yao` reads 1 as 幺, as for phone numbers. */
export function readChineseDigits(digits: string, options: { readonly yao?: boolean } = {}): string {
  let out = '';
  for (const char of digits) {
    if (char >= '0' && char <= '9') out += char === '1' && options.yao ? '幺' : digitOf(char);
  }
  return out;
}

/**
 * Reads a signed integer or decimal ("-3.14" → "负三点一四"). The fraction is read digit by digit,
 * as Mandarin does. Anything that is not a plain number comes back unchanged.
 */
export function readChineseNumber(text: string, options: ChineseIntegerOptions = {}): string {
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign = '', integer = '', fraction] = match;
  const negative = sign === '-' && /[1-9]/.test(integer + (fraction ?? ''));
  const integerReading = readChineseInteger(integer, fraction === undefined ? options : {});
  const fractionReading = fraction === undefined ? '' : '点' + readChineseDigits(fraction);
  return (negative ? '负' : '') + integerReading + fractionReading;
}

/** "50" → "百分之五十"; "-2.5" → "负百分之二点五". */
export function readChinesePercent(number: string): string {
  const negative = number.startsWith('-');
  return (negative ? '负' : '') + '百分之' + readChineseNumber(number.replace(/^[+-]/, ''));
}

/** Reads numerator/denominator as a fraction: ("3", "4") → "四分之三". */
export function readChineseFraction(numerator: string, denominator: string): string {
  return readChineseNumber(denominator) + '分之' + readChineseNumber(numerator);
}

/** "2" → "第二" (ordinals always use 二). */
export function readChineseOrdinal(number: string): string {
  return '第' + readChineseInteger(number, { innerLiang: false });
}

/** Reads a year digit by digit ("2024" → "二零二四"), as Mandarin speakers say years. */
export function readChineseYear(digits: string): string {
  return readChineseDigits(digits);
}
