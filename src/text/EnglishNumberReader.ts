/** Reads numbers aloud in English words ("42" → "forty-two", "3.14" → "three point one four"). */

const ONES = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
] as const;
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] as const;
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'] as const;

const ORDINAL_WORDS: Readonly<Record<string, string>> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

function readBelowThousand(value: number): string {
  const hundreds = Math.floor(value / 100);
  const rest = value % 100;
  const words: string[] = [];
  if (hundreds > 0) words.push(`${ONES[hundreds]} hundred`);
  if (rest > 0) {
    if (rest < 20) words.push(ONES[rest] ?? '');
    else words.push(TENS[Math.floor(rest / 10)] + (rest % 10 === 0 ? '' : `-${ONES[rest % 10]}`));
  }
  return words.join(' ');
}

/** Reads each digit ("0042" → "zero zero four two"). */
export function readEnglishDigits(digits: string): string {
  return [...digits].filter((c) => c >= '0' && c <= '9').map((c) => ONES[Number(c)]).join(' ');
}

/** Reads a non-negative integer given as digits; beyond the quadrillions it reads digit by digit. */
export function readEnglishInteger(digits: string): string {
  const clean = digits.replace(/^0+(?=\d)/, '');
  if (!/^\d+$/.test(clean)) return '';
  if (clean.length > SCALES.length * 3) return readEnglishDigits(clean);
  if (clean === '0') return 'zero';
  const groups: number[] = [];
  for (let end = clean.length; end > 0; end -= 3) groups.push(Number(clean.slice(Math.max(0, end - 3), end)));
  const words: string[] = [];
  for (let index = groups.length - 1; index >= 0; index--) {
    const group = groups[index] ?? 0;
    if (group === 0) continue;
    const scale = SCALES[index] ?? '';
    words.push(readBelowThousand(group) + (scale === '' ? '' : ` ${scale}`));
  }
  return words.join(' ');
}

/** Reads a signed integer or decimal ("-2.5" → "minus two point five"); other text comes back unchanged. */
export function readEnglishNumber(text: string): string {
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign = '', integer = '', fraction] = match;
  const negative = sign === '-' && /[1-9]/.test(integer + (fraction ?? ''));
  const fractionWords = fraction === undefined ? '' : ` point ${readEnglishDigits(fraction)}`;
  return (negative ? 'minus ' : '') + readEnglishInteger(integer) + fractionWords;
}

/** "21" → "twenty-first", "100" → "one hundredth". */
export function readEnglishOrdinal(digits: string): string {
  const cardinal = readEnglishInteger(digits);
  return cardinal.replace(/([a-z]+)$/, (last: string) => {
    const irregular = ORDINAL_WORDS[last];
    if (irregular !== undefined) return irregular;
    if (last.endsWith('y')) return last.slice(0, -1) + 'ieth';
    return last + 'th';
  });
}
