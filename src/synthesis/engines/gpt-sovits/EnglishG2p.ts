import { dictionary } from 'cmu-pronouncing-dictionary';
import { ARPABET } from './symbols.ts';

/*
 * English phones for GPT-SoVITS v2 (ARPAbet with stress, as its `english` front end emits): CMUdict
 * (the cmu-pronouncing-dictionary package, first pronunciation), possessive 's by the final phone,
 * unknown words of up to 3 letters spelled out, compounds of two dictionary words, and otherwise a small
 * letter-to-sound rule set. Punctuation becomes , . ! ? … - as the model expects.
 */

const PUNCTUATION: Readonly<Record<string, string>> = {
  ',': ',', ';': ',', ':': ',', '，': ',', '；': ',', '：': ',', '.': '.', '。': '.', '!': '!', '！': '!', '?': '?', '？': '?',
  '…': '…', '-': '-', '—': '-',
};

const LETTERS: Readonly<Record<string, string>> = {
  a: 'EY1', b: 'B IY1', c: 'S IY1', d: 'D IY1', e: 'IY1', f: 'EH1 F', g: 'JH IY1', h: 'EY1 CH', i: 'AY1', j: 'JH EY1',
  k: 'K EY1', l: 'EH1 L', m: 'EH1 M', n: 'EH1 N', o: 'OW1', p: 'P IY1', q: 'K Y UW1', r: 'AA1 R', s: 'EH1 S', t: 'T IY1',
  u: 'Y UW1', v: 'V IY1', w: 'D AH1 B AH0 L Y UW0', x: 'EH1 K S', y: 'W AY1', z: 'Z IY1',
};

const VOICELESS = new Set(['P', 'T', 'K', 'F', 'TH']);
const SIBILANT = new Set(['S', 'Z', 'SH', 'ZH', 'CH', 'JH']);

function lookup(word: string): string[] | null {
  const entry = dictionary[word];
  return entry === undefined ? null : entry.split(' ').filter((p) => ARPABET.has(p));
}

// Letter-to-sound rules, longest grapheme first. Vowels carry a placeholder stress fixed afterwards.
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^tion/, 'SH AH# N'], [/^sion/, 'ZH AH# N'], [/^ough/, 'AO# '], [/^igh/, 'AY# '], [/^tch/, 'CH'], [/^sch/, 'S K'],
  [/^ph/, 'F'], [/^sh/, 'SH'], [/^ch/, 'CH'], [/^th/, 'TH'], [/^wh/, 'W'], [/^ck/, 'K'], [/^ng/, 'NG'], [/^qu/, 'K W'],
  [/^kn/, 'N'], [/^wr/, 'R'], [/^gh/, 'G'],
  [/^ee/, 'IY#'], [/^ea/, 'IY#'], [/^oo/, 'UW#'], [/^ai/, 'EY#'], [/^ay/, 'EY#'], [/^oa/, 'OW#'], [/^ou/, 'AW#'],
  [/^ow/, 'OW#'], [/^oi/, 'OY#'], [/^oy/, 'OY#'], [/^au/, 'AO#'], [/^aw/, 'AO#'], [/^ie/, 'IY#'], [/^ei/, 'EY#'],
  [/^ey/, 'EY#'], [/^ue/, 'UW#'], [/^ew/, 'UW#'],
  [/^er/, 'ER#'], [/^ir/, 'ER#'], [/^ur/, 'ER#'], [/^ar/, 'AA# R'], [/^or/, 'AO# R'],
  [/^a(?=[bcdfgklmnprstvz]e$)/, 'EY#'], [/^i(?=[bcdfgklmnprstvz]e$)/, 'AY#'], [/^o(?=[bcdfgklmnprstvz]e$)/, 'OW#'],
  [/^u(?=[bcdfgklmnprstvz]e$)/, 'UW#'], [/^e$/, ''],
  [/^a/, 'AE#'], [/^e/, 'EH#'], [/^i/, 'IH#'], [/^o/, 'AA#'], [/^u/, 'AH#'], [/^y$/, 'IY#'], [/^y/, 'Y'],
  [/^c(?=[eiy])/, 'S'], [/^g(?=[eiy])/, 'JH'], [/^x/, 'K S'],
  [/^b/, 'B'], [/^c/, 'K'], [/^d/, 'D'], [/^f/, 'F'], [/^g/, 'G'], [/^h/, 'HH'], [/^j/, 'JH'], [/^k/, 'K'], [/^l/, 'L'],
  [/^m/, 'M'], [/^n/, 'N'], [/^p/, 'P'], [/^q/, 'K'], [/^r/, 'R'], [/^s/, 'S'], [/^t/, 'T'], [/^v/, 'V'], [/^w/, 'W'],
  [/^z/, 'Z'],
];

/** Letter-to-sound for a word CMUdict does not know: first vowel stressed, the others unstressed. */
export function letterToSound(word: string): string[] {
  const phones: string[] = [];
  let rest = word.toLowerCase().replace(/[^a-z]/g, '');
  while (rest.length > 0) {
    const rule = RULES.find(([pattern]) => pattern.test(rest));
    if (rule === undefined) {
      rest = rest.slice(1);
      continue;
    }
    const match = rule[0].exec(rest)![0];
    phones.push(...rule[1].split(' ').filter((p) => p !== ''));
    rest = rest.slice(match.length);
  }
  let stressed = false;
  const out: string[] = [];
  for (const phone of phones) {
    if (!phone.endsWith('#')) {
      if (out[out.length - 1] !== phone) out.push(phone); // doubled consonants are one sound
      continue;
    }
    out.push(phone.slice(0, -1) + (stressed ? '0' : '1'));
    stressed = true;
  }
  return out;
}

function wordPhones(raw: string): string[] {
  const word = raw.toLowerCase();
  const known = lookup(word);
  if (known !== null) return known;
  if (word.endsWith("'s")) {
    const base = wordPhones(word.slice(0, -2));
    const last = base[base.length - 1] ?? '';
    return [...base, ...(SIBILANT.has(last) ? ['AH0', 'Z'] : VOICELESS.has(last) ? ['S'] : ['Z'])];
  }
  const letters = word.replace(/[^a-z]/g, '');
  if (letters.length === 0) return [];
  if (letters.length <= 3 || !/[aeiouy]/.test(letters)) return [...letters].flatMap((l) => LETTERS[l]!.split(' '));
  for (let split = 3; split <= letters.length - 3; split++) {
    const a = lookup(letters.slice(0, split));
    const b = lookup(letters.slice(split));
    if (a !== null && b !== null) return [...a, ...b];
  }
  return letterToSound(letters);
}

/** Phones for an English run; consecutive punctuation keeps the first mark. */
export function englishPhones(text: string): string[] {
  const phones: string[] = [];
  let previousWasPunctuation = false;
  const tokens = text.replace(/\.{3,}/g, '…').match(/[A-Za-z]+(?:'[A-Za-z]+)*|[^\sA-Za-z]/g) ?? [];
  for (const token of tokens) {
    const mark = PUNCTUATION[token];
    if (mark !== undefined) {
      if (!previousWasPunctuation) phones.push(mark);
      previousWasPunctuation = true;
      continue;
    }
    if (!/[A-Za-z]/.test(token)) continue;
    // CamelCase chat words ("GoodGame") read as their parts.
    const parts = token.length > 1 && /[a-z][A-Z]/.test(token) ? token.split(/(?<=[a-z])(?=[A-Z])/) : [token];
    for (const part of parts) phones.push(...wordPhones(part));
    previousWasPunctuation = false;
  }
  return phones;
}
