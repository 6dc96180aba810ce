import { readEnglishDigits, readEnglishInteger, readEnglishNumber, readEnglishOrdinal } from './EnglishNumberReader.ts';

/** Written abbreviations (with their dot) and how they are read. Matched case-sensitively. */
const ABBREVIATIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bDr\.(?=\s)/g, 'Doctor'],
  [/\bMr\.(?=\s|$)/g, 'Mister'],
  [/\bMrs\.(?=\s|$)/g, 'Missus'],
  [/\bMs\.(?=\s|$)/g, 'Miz'],
  [/\bProf\.(?=\s)/g, 'Professor'],
  [/\bSt\.(?=\s[A-Z])/g, 'Saint'],
  [/\bJr\.(?=\s|$|,)/g, 'Junior'],
  [/\bvs\.?(?=\s)/gi, 'versus'],
  [/\betc\.?(?=\s|$|[,;!?])/gi, 'et cetera'],
  [/\be\.g\.(?=\s|$|,)/gi, 'for example'],
  [/\bi\.e\.(?=\s|$|,)/gi, 'that is'],
  [/\bapprox\.(?=\s)/gi, 'approximately'],
  [/\bNo\.(?=\s?\d)/g, 'number'],
];

/**
 * Chat shorthand and how a person reading chat aloud would say it. Whole words, case-insensitive.
 * Laughter acronyms are spelled out (that is how streamers say them); the rest are expanded.
 */
const CHAT_ABBREVIATIONS: Readonly<Record<string, string>> = {
  lol: 'L O L', lmao: 'L M A O', rofl: 'R O F L', brb: 'be right back', gg: 'good game', ggwp: 'good game, well played',
  wp: 'well played', idk: "I don't know", tbh: 'to be honest', imo: 'in my opinion', imho: 'in my humble opinion',
  omg: 'oh my god', btw: 'by the way', afk: 'away from keyboard', thx: 'thanks', tks: 'thanks', ty: 'thank you',
  tysm: 'thank you so much', pls: 'please', plz: 'please', np: 'no problem', nvm: 'never mind', ikr: 'I know, right',
  irl: 'in real life', gl: 'good luck', hf: 'have fun', glhf: 'good luck, have fun', fyi: 'for your information',
  asap: 'as soon as possible', smh: 'shaking my head', ngl: 'not gonna lie', wtf: 'W T F', wth: 'what the heck',
  u: 'you', ur: 'your', ppl: 'people', bc: 'because', cuz: 'because', rn: 'right now', jk: 'just kidding',
  dm: 'D M', uid: 'U I D', id: 'I D', ip: 'I P', pog: 'pog', kk: 'okay', ok: 'okay', xd: 'X D', gtg: 'got to go', g2g: 'got to go',
};

const CURRENCIES: Readonly<Record<string, readonly [string, string, string, string]>> = {
  $: ['dollar', 'dollars', 'cent', 'cents'],
  '€': ['euro', 'euros', 'cent', 'cents'],
  '£': ['pound', 'pounds', 'penny', 'pence'],
  '¥': ['yuan', 'yuan', 'fen', 'fen'],
  '￥': ['yuan', 'yuan', 'fen', 'fen'],
};

const UNITS: Readonly<Record<string, readonly [string, string]>> = {
  km: ['kilometer', 'kilometers'], kg: ['kilogram', 'kilograms'], cm: ['centimeter', 'centimeters'],
  mm: ['millimeter', 'millimeters'], m: ['meter', 'meters'], g: ['gram', 'grams'], lb: ['pound', 'pounds'],
  lbs: ['pound', 'pounds'], mph: ['mile per hour', 'miles per hour'], GB: ['gigabyte', 'gigabytes'],
  MB: ['megabyte', 'megabytes'], TB: ['terabyte', 'terabytes'], KB: ['kilobyte', 'kilobytes'],
  '°C': ['degree Celsius', 'degrees Celsius'], '℃': ['degree Celsius', 'degrees Celsius'],
  '°F': ['degree Fahrenheit', 'degrees Fahrenheit'], fps: ['F P S', 'F P S'], ms: ['millisecond', 'milliseconds'],
  h: ['hour', 'hours'], min: ['minute', 'minutes'], k: ['thousand', 'thousand'], K: ['thousand', 'thousand'],
};
const UNIT_PATTERN = Object.keys(UNITS).sort((a, b) => b.length - a.length).join('|');

const SYMBOLS: Readonly<Record<string, string>> = {
  '&': ' and ', '@': ' at ', '+': ' plus ', '=': ' equals ', '×': ' times ', '÷': ' divided by ', '%': ' percent ',
  '#': ' number ', '~': ' ', '_': ' ', '*': ' ', '|': ' ', '^': ' ', '<': ' less than ', '>': ' greater than ',
  '/': ' ', '\\': ' ', '`': ' ', '°': ' degrees ',
};

const NUMBER = String.raw`\d+(?:\.\d+)?`;

function readMoney(sign: string, amount: string): string {
  const names = CURRENCIES[sign] ?? CURRENCIES.$;
  const [one, many, subOne, subMany] = names ?? ['dollar', 'dollars', 'cent', 'cents'];
  const [whole = '0', fraction] = amount.split('.');
  const major = Number(whole);
  const cents = fraction === undefined ? 0 : Number((fraction + '0').slice(0, 2));
  const majorWords = `${readEnglishInteger(whole)} ${major === 1 ? one : many}`;
  if (fraction !== undefined && fraction.length > 2) return `${readEnglishNumber(amount)} ${many}`;
  if (cents === 0) return majorWords;
  const centWords = `${readEnglishInteger(String(cents))} ${cents === 1 ? subOne : subMany}`;
  return major === 0 ? centWords : `${majorWords} and ${centWords}`;
}

function readClock(hours: string, minutes: string): string {
  const h = readEnglishInteger(hours);
  const m = Number(minutes);
  if (m === 0) return `${h} o'clock`;
  if (m < 10) return `${h} oh ${readEnglishInteger(minutes)}`;
  return `${h} ${readEnglishInteger(minutes)}`;
}

/**
 * Rewrites numbers, money, times, abbreviations and chat shorthand in an English run into words,
 * so the English voice never has to guess ("$3.50" → "three dollars and fifty cents").
 */
export function normalizeEnglish(input: string): string {
  let text = input;
  for (const [pattern, reading] of ABBREVIATIONS) text = text.replace(pattern, reading);

  text = text.replace(/\d{1,3}(?:,\d{3})+(?![\d,])/g, (m) => m.replace(/,/g, ''));

  // "loooool" / "lolol" are still "lol" once the repeat cap has run.
  text = text.replace(/\b(?:lo{2,}l|lol(?:ol)+)\b/gi, 'lol');
  text = text.replace(/\b[a-z0-9]+\b/gi, (word) =>
    // Single letters only expand in lower case ("u" → "you"; "U" may be an initial).
    word.length === 1 && word !== word.toLowerCase() ? word : (CHAT_ABBREVIATIONS[word.toLowerCase()] ?? word),
  );

  text = text.replace(new RegExp(`([$€£¥￥])\\s?(${NUMBER})`, 'g'), (_m, sign: string, n: string) => readMoney(sign, n));
  text = text.replace(new RegExp(`(-?${NUMBER})\\s?%`, 'g'), (_m, n: string) => `${readEnglishNumber(n)} percent`);

  text = text.replace(/\b([01]?\d|2[0-3]):([0-5]\d)(?:\s?([ap])\.?m\.?\b)?/gi, (_m, h: string, mi: string, ap?: string) =>
    readClock(h, mi) + (ap === undefined ? '' : ` ${ap.toUpperCase()} M`),
  );
  text = text.replace(/\b(\d{1,2})\s?([ap])\.?m\.?(?![a-z])/gi, (_m, h: string, ap: string) =>
    `${readEnglishInteger(h)} ${ap.toUpperCase()} M`,
  );

  text = text.replace(/\b(\d+)(?:st|nd|rd|th)\b/gi, (_m, n: string) => readEnglishOrdinal(n));
  text = text.replace(/(?<![\d.])(\d+)\/(\d+)(?![\d/])/g, (_m, a: string, b: string) => `${readEnglishInteger(a)} over ${readEnglishInteger(b)}`);

  text = text.replace(new RegExp(`(-?${NUMBER})\\s?(${UNIT_PATTERN})(?![a-zA-Z])`, 'g'), (_m, n: string, unit: string) => {
    const [one, many] = UNITS[unit] ?? [unit, unit];
    return `${readEnglishNumber(n)} ${n === '1' ? one : many}`;
  });

  text = text.replace(new RegExp(`(?<![\\w.])-(${NUMBER})`, 'g'), (_m, n: string) => `minus ${readEnglishNumber(n)}`);
  text = text.replace(new RegExp(NUMBER, 'g'), (n: string) =>
    // Long digit strings are ids or phone numbers: read digit by digit.
    !n.includes('.') && (n.length >= 7 || (n.length > 1 && n.startsWith('0'))) ? readEnglishDigits(n) : readEnglishNumber(n),
  );

  text = text.replace(/[&@+=×÷%#~_*|^<>/\\`°]/g, (symbol) => SYMBOLS[symbol] ?? ' ');
  return text.replace(/[ \t]{2,}/g, ' ').replace(/ ([,.!?;:])/g, '$1');
}
