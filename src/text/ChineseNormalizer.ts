import {
  readChineseDigits,
  readChineseFraction,
  readChineseInteger,
  readChineseNumber,
  readChineseOrdinal,
  readChinesePercent,
  readChineseYear,
} from './ChineseNumberReader.ts';

/**
 * Measure words after which a bare 2 is read 两 ("2个" → "两个"). Longest first so "2公里" matches 公里.
 * Time words are included because "2天", "2小时" are always 两.
 */
const LIANG_MEASURE_WORDS = [
  '公里', '公斤', '分钟', '小时', '星期', '礼拜', '个月', '千米', '厘米', '毫米', '平米', '万', '千', '亿',
  '个', '只', '位', '本', '次', '张', '块', '件', '天', '年', '条', '把', '双', '杯', '瓶', '种', '名', '层',
  '辆', '台', '部', '周', '岁', '斤', '米', '人', '句', '首', '场', '局', '把', '份', '碗', '口', '回', '遍',
  '下', '点', '根', '颗', '套', '节', '集', '期', '声', '步', '家', '间', '门', '段', '盒', '包', '箱', '群',
];
const LIANG_FOLLOWERS = new RegExp(`^(?:${LIANG_MEASURE_WORDS.join('|')})`);

/** Units written in Latin letters or symbols after a number, and how Mandarin reads them. */
const UNIT_READINGS: Readonly<Record<string, string>> = {
  'km/h': '公里每小时', 'KM/H': '公里每小时', 'kmh': '公里每小时',
  km: '公里', KM: '公里', Km: '公里', kg: '公斤', KG: '公斤', Kg: '公斤', cm: '厘米', CM: '厘米', mm: '毫米',
  ml: '毫升', mL: '毫升', ML: '毫升', m: '米', g: '克', L: '升',
  '℃': '摄氏度', '°C': '摄氏度', '℉': '华氏度', '°F': '华氏度', '°': '度',
  MB: '兆', mb: '兆', M: '兆', Mbps: '兆每秒', KB: 'K', kb: 'K', K: 'K',
  // Chat shorthand: "3k" = 三千, "10w粉丝" = 十万粉丝.
  k: '千', w: '万', W: '万',
  Hz: '赫兹', hz: '赫兹', kHz: '千赫兹', fps: '帧', FPS: '帧',
  h: '小时', hr: '小时', hrs: '小时', min: '分钟', mins: '分钟', s: '秒', sec: '秒', ms: '毫秒',
};
const UNIT_PATTERN = Object.keys(UNIT_READINGS)
  .sort((a, b) => b.length - a.length)
  .map((unit) => unit.replace(/[/]/g, '\\/'))
  .join('|');

const CURRENCY_PREFIX: Readonly<Record<string, string>> = {
  '¥': '元', '￥': '元', '$': '美元', '＄': '美元', '€': '欧元', '£': '英镑', '￡': '英镑', '₩': '韩元',
};

/** Words just before a number that say "this is a phone number" (read digit by digit with 幺). */
const PHONE_CONTEXT = /(?:电话|手机|号码|热线|联系|拨打|call|tel|phone)[^\d]{0,4}$/i;

/** Symbols spoken in a Chinese sentence. Kept small: only symbols viewers actually type to mean a word. */
const SYMBOL_WORDS: Readonly<Record<string, string>> = {
  '+': '加', '×': '乘', '÷': '除以', '=': '等于', '&': '和', '@': '艾特', '#': '井号', '%': '百分号',
  '‰': '千分号', '*': '', '^': '', '_': ' ', '|': ' ', '\\': ' ', '/': ' ', '<': '小于', '>': '大于',
  '≈': '约等于', '≠': '不等于', '≤': '小于等于', '≥': '大于等于', '→': '到', '~': ' ', '～': ' ',
  '`': '', '"': '', '°': '度', '℃': '摄氏度',
};

const NUMBER = String.raw`\d+(?:\.\d+)?`;

function readTime(hours: string, minutes: string, seconds: string | undefined): string {
  const hourReading = readChineseInteger(hours, { liang: true }) + '点';
  const minuteValue = Number(minutes);
  let minuteReading = '';
  if (minuteValue !== 0 || seconds !== undefined) {
    minuteReading = (minuteValue < 10 && minuteValue > 0 ? '零' : '') + readChineseInteger(minutes) + '分';
    if (minuteValue === 0) minuteReading = '零分';
  }
  const secondReading = seconds === undefined ? '' : readChineseInteger(seconds) + '秒';
  return hourReading + minuteReading + secondReading;
}

function readDate(year: string | undefined, month: string, day: string | undefined, daySuffix = '日'): string {
  let out = year === undefined ? '' : readChineseYear(year) + '年';
  out += readChineseInteger(month) + '月';
  if (day !== undefined) out += readChineseInteger(day) + daySuffix;
  return out;
}

function isValidDate(month: string, day: string | undefined): boolean {
  const m = Number(month);
  const d = day === undefined ? 1 : Number(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/** A digit string read aloud "as a string of digits" (phone numbers, ids, 666, 2333). */
function readDigitString(digits: string, before: string): string {
  const phone = /^1[3-9]\d{9}$/.test(digits) || PHONE_CONTEXT.test(before);
  return readChineseDigits(digits, { yao: phone });
}

/** Reads one bare number token given what follows it (for 两 and units) and what precedes it. */
function readNumberToken(number: string, before: string, after: string): string {
  const integer = !number.includes('.');
  // Long numbers are ids or phone numbers, unless a measure word or currency says they count something.
  const counted = LIANG_FOLLOWERS.test(after) || /^(?:元|美元|人民币|粉|分|亿)/.test(after);
  if (integer && number.length >= 7 && !(counted && number.length <= 17 && !number.startsWith('0'))) {
    return readDigitString(number, before);
  }
  // Chat numbers: 666 / 8888 (all one digit) and 2333 (laughter) are read digit by digit.
  if (integer && number.length >= 3 && (/^(\d)\1+$/.test(number) || /^23{2,}$/.test(number))) {
    if (!/^(?:元|块|万|千|百|亿|年|个|人|米|次|分|秒|岁|号|%)/.test(after)) return readDigitString(number, before);
  }
  // Leading zero: a code, not a quantity ("007", "0571").
  if (integer && number.length > 1 && number.startsWith('0')) return readDigitString(number, before);
  const liang = integer && LIANG_FOLLOWERS.test(after);
  return readChineseNumber(number, { liang });
}

/**
 * Rewrites digits, dates, times, money, units and symbols in a Mandarin run into Han characters, so
 * that the pinyin converter sees only Han text. Latin words are left alone (the caller re-splits them
 * into English runs).
 */
export function normalizeChinese(input: string): string {
  let text = input;

  // Thousands separators: "1,000,000" is always a quantity, never an id.
  text = text.replace(/(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])/g, (m, offset: number, whole: string) =>
    readChineseNumber(m.replace(/,/g, ''), { liang: LIANG_FOLLOWERS.test(whole.slice(offset + m.length)) }),
  );

  // Full dates: 2024年3月5日, 2024-03-05, 2024/3/5, 2024.3.5.
  text = text.replace(/(\d{4})年(\d{1,2})月(?:(\d{1,2})([日号]))?/g, (m, y: string, mo: string, d?: string, suffix?: string) =>
    isValidDate(mo, d) ? readDate(y, mo, d, suffix ?? '日') : m,
  );
  text = text.replace(/(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])/g, (m, y: string, _s: string, mo: string, d: string) =>
    isValidDate(mo, d) ? readDate(y, mo, d) : m,
  );
  text = text.replace(/(?<!\d)(\d{1,2})月(\d{1,2})([日号])/g, (m, mo: string, d: string, suffix: string) =>
    isValidDate(mo, d) ? readDate(undefined, mo, d, suffix) : m,
  );
  text = text.replace(/(?<!\d)(\d{1,2})月(?!\d)/g, (m, mo: string) => (isValidDate(mo, undefined) ? readChineseInteger(mo) + '月' : m));
  text = text.replace(/(?<![\d.])(\d{1,2})[日号](?!\d)/g, (m, d: string) =>
    isValidDate('1', d) ? readChineseInteger(d) + m.slice(-1) : m,
  );
  // Years: 2024年 / 1998年 are read digit by digit; "3年" (three years) stays a quantity.
  text = text.replace(/(?<![\d.])(\d{4})年/g, (_m, y: string) => readChineseYear(y) + '年');
  text = text.replace(/(?<![\d.])(\d{2})年代/g, (_m, y: string) => readChineseInteger(y) + '年代');

  // Times: 14:30, 8:05, 09:00:15 (ASCII or fullwidth colon).
  text = text.replace(/(?<![\d:])([01]?\d|2[0-4])[:：]([0-5]\d)(?:[:：]([0-5]\d))?(?![\d:])/g, (_m, h: string, mi: string, s?: string) =>
    readTime(h, mi, s),
  );

  // Phone numbers written with separators: 138-1234-5678, 010-12345678, +86 13812345678.
  text = text.replace(/(?:\+?86[-\s]?)?(?<!\d)(1[3-9]\d)[-\s](\d{4})[-\s](\d{4})(?!\d)/g, (_m, a: string, b: string, c: string) =>
    readChineseDigits(a + b + c, { yao: true }),
  );
  text = text.replace(/(?<![\d.])(0\d{2,3})-(\d{7,8})(?!\d)/g, (_m, a: string, b: string) =>
    readChineseDigits(a, { yao: true }) + readChineseDigits(b, { yao: true }),
  );
  text = text.replace(/\+?86(?=1[3-9]\d{9}(?!\d))/g, '');

  // Money with a currency sign in front: ¥12.5, $3, €20.
  text = text.replace(new RegExp(`([¥￥$＄€£￡₩])\\s?(-?${NUMBER})`, 'g'), (_m, sign: string, n: string) =>
    readChineseNumber(n, { liang: true }) + (CURRENCY_PREFIX[sign] ?? ''),
  );
  // Money with the currency after: 12.5元, 3美元, 100rmb.
  text = text.replace(new RegExp(`(${NUMBER})\\s?(?:rmb|RMB|CNY|cny)(?![a-zA-Z])`, 'g'), (_m, n: string) =>
    readChineseNumber(n, { liang: true }) + '元',
  );

  // Percentages and per-mille.
  text = text.replace(new RegExp(`(-?${NUMBER})\\s?[%％]`, 'g'), (_m, n: string) => readChinesePercent(n));
  text = text.replace(new RegExp(`(-?${NUMBER})\\s?‰`, 'g'), (_m, n: string) => '千分之' + readChineseNumber(n));

  // Ordinals: 第2 → 第二.
  text = text.replace(/第\s?(\d+)(?!\.\d)/g, (_m, n: string) => readChineseOrdinal(n));

  // Fractions: 3/4 → 四分之三 (dates with / were handled above).
  text = text.replace(/(?<![\d/.])(\d+)\/(\d+)(?![\d/.])/g, (m, a: string, b: string) =>
    Number(b) === 0 ? m : readChineseFraction(a, b),
  );

  // Arithmetic: 5-3=2 → 五减三等于二; ranges: 3-5个, 1~3 → 三到五.
  text = text.replace(new RegExp(`(${NUMBER})\\s?[-−]\\s?(${NUMBER})(?=\\s?[=＝])`, 'g'), (_m, a: string, b: string) =>
    `${readChineseNumber(a)}减${readChineseNumber(b)}`,
  );
  text = text.replace(new RegExp(`(${NUMBER})[-~～—–]\\s?(${NUMBER})`, 'g'), (_m, a: string, b: string) =>
    `${readChineseNumber(a)}到${b}`,
  );

  // Numbers with units: 5km, 36.5℃, 10w粉丝. GB/TB stay Latin and are read by the English voice.
  text = text.replace(new RegExp(`(-?${NUMBER})\\s?(${UNIT_PATTERN})(?![a-zA-Z])`, 'g'), (_m, n: string, unit: string) =>
    readChineseNumber(n, { liang: true }) + (UNIT_READINGS[unit] ?? unit),
  );

  // Negative numbers: "-5度" → 负五度 (a minus right before a digit, not between two numbers).
  text = text.replace(new RegExp(`(?<![\\d\\w])[-−](${NUMBER})`, 'g'), (_m, n: string) => '负' + readChineseNumber(n));

  // Remaining bare numbers.
  text = text.replace(new RegExp(NUMBER, 'g'), (n: string, offset: number, whole: string) => {
    const before = whole.slice(Math.max(0, offset - 8), offset);
    const after = whole.slice(offset + n.length, offset + n.length + 4);
    return readNumberToken(n, before, after);
  });

  // Symbols that mean a word. Only between Han/digits context: a lone "+" or "=" in chat means the word.
  text = text.replace(/[+×÷=&@#%‰*^_|\\/<>≈≠≤≥→~～`"°℃]/g, (symbol) => SYMBOL_WORDS[symbol] ?? '');

  return text.replace(/[ \t]{2,}/g, ' ');
}
