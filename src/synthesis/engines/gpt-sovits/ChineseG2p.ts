import { pinyin as pinyinPro } from 'pinyin-pro';
import { FINALS } from './symbols.ts';

const KNOWN_FINALS = new Set(FINALS);

/*
 * Mandarin phones for GPT-SoVITS v2 (its `chinese2` front end, opencpop-strict symbols): each syllable
 * becomes [initial, final+tone]; zero-initial syllables get the AA/EE/OO markers; punctuation is one phone.
 * Tones start from the pinyin the text front end computed (corrections and 一/不 sandhi applied), or from
 * pinyin-pro; then the rules GPT-SoVITS's training data went through: neutral tones for particles and
 * suffixes, third-tone sandhi in words (and in merged runs of short third-tone words), erhua.
 */

const PUNCTUATION_PHONES: Readonly<Record<string, string>> = {
  ',': ',', '，': ',', '、': ',', ';': ',', '；': ',', ':': ',', '：': ',', '.': '.', '。': '.', '!': '!', '！': '!',
  '?': '?', '？': '?', '…': '…', '~': '…', '～': '…', '-': '-', '—': '-',
};

/** Sentence-final particles read in the neutral tone. */
const PARTICLES = new Set([...'吧呢啊呐噻嘛吖嗯哦哒啦呀']);
/** Structural and aspect particles (neutral wherever they are not the first syllable of a word). */
const STRUCTURAL = new Set([...'的地得了着过']);
/** Suffixes read neutral at the end of a longer word (朋友们, 桌子). */
const SUFFIXES = new Set([...'们子']);
/** Words that never take erhua (their 儿 is a full syllable). */
const NOT_ERHUA = new Set(['女儿', '儿子', '孤儿', '幼儿', '婴儿', '健儿', '少儿', '胎儿', '托儿', '儿女', '混血儿', '男儿', '侄儿', '小儿', '患儿', '孩儿', '宠儿', '乳儿', '雏儿', '迷儿', '偶儿', '鱼儿', '花儿']);

export interface Syllable {
  readonly char: string;
  /** Toned pinyin such as "hao3" (ü as v, neutral tone 5), or a punctuation phone. */
  pinyin: string;
  readonly punctuation: boolean;
}

const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's'];

const Y_FINALS: Readonly<Record<string, string>> = {
  yi: 'i', ya: 'ia', yan: 'ian', yang: 'iang', yao: 'iao', ye: 'ie', yin: 'in', ying: 'ing', yong: 'iong', you: 'iu',
  yu: 'v', yuan: 'van', yue: 've', yun: 'vn', yo: 'io',
};
const W_FINALS: Readonly<Record<string, string>> = {
  wu: 'u', wa: 'ua', wai: 'uai', wan: 'uan', wang: 'uang', wei: 'ui', wen: 'un', weng: 'eng', wo: 'uo',
};

/** "hao3" → ["h", "ao3"]; "er2" → ["EE", "er2"]; "shi4" → ["sh", "ir4"]. Null for a non-syllable. */
export function syllableToPhones(syllable: string): [string, string] | null {
  const match = /^([a-zv]+)([1-5])$/.exec(syllable);
  if (match === null) return null;
  const base = match[1]!;
  const tone = match[2]!;
  if (base.startsWith('y')) {
    const final = Y_FINALS[base];
    return final === undefined ? null : ['y', final + tone];
  }
  if (base.startsWith('w')) {
    const final = W_FINALS[base];
    return final === undefined ? null : ['w', final + tone];
  }
  const initial = INITIALS.find((i) => base.startsWith(i) && base.length > i.length);
  if (initial === undefined) {
    const marker = base.startsWith('a') ? 'AA' : base.startsWith('o') ? 'OO' : base.startsWith('e') ? 'EE' : null;
    return marker === null ? null : [marker, base + tone];
  }
  let final = base.slice(initial.length);
  if (final === 'i' && ['zh', 'ch', 'sh', 'r'].includes(initial)) final = 'ir';
  else if (final === 'i' && ['z', 'c', 's'].includes(initial)) final = 'i0';
  else if (['j', 'q', 'x'].includes(initial) && final.startsWith('u')) final = 'v' + final.slice(1);
  else if (final === 'ue') final = 've'; // lue/nue written without the umlaut
  if (final === 'uen') final = 'un';
  if (final === 'uei') final = 'ui';
  if (final === 'iou') final = 'iu';
  return KNOWN_FINALS.has(final) ? [initial, final + tone] : null;
}

const toneOf = (pinyin: string): number => Number(pinyin.at(-1));
const withTone = (pinyin: string, tone: number): string => pinyin.slice(0, -1) + String(tone);

/** Pairs each Han character of `text` with a syllable of `pinyin` (the front end writes one per character). */
function alignPinyin(text: string, pinyin: string | undefined): Syllable[] {
  const chars = [...text];
  const given = (pinyin ?? '').split(/\s+/).map((s) => s.replace(/[^a-z1-5]/g, '')).filter((s) => /^[a-z]+[1-5]$/.test(s));
  const han = chars.filter((c) => /\p{Script=Han}/u.test(c));
  const fromPinyinPro = given.length !== han.length;
  const fallback = fromPinyinPro ? pinyinPro(han.join(''), { toneType: 'num', type: 'array', v: true, toneSandhi: true }) : [];
  const out: Syllable[] = [];
  let k = 0;
  for (const char of chars) {
    if (/\p{Script=Han}/u.test(char)) {
      let reading = fromPinyinPro ? (fallback[k] ?? '') : given[k]!;
      k++;
      reading = reading.replace(/ü/g, 'v').replace(/0$/, '5');
      if (!/[1-5]$/.test(reading)) reading += '5';
      out.push({ char, pinyin: reading, punctuation: false });
    } else {
      const mark = PUNCTUATION_PHONES[char];
      if (mark !== undefined) out.push({ char, pinyin: mark, punctuation: true });
    }
  }
  return out;
}

// ICU's dictionary-based Chinese word breaker (built into Node); pinyin-pro's segment() only groups words
// with special readings, which is too coarse for sandhi.
const WORDS = new Intl.Segmenter('zh', { granularity: 'word' });

/** Word boundaries (lengths in characters) of a run of Han text; a lone 儿 joins the word before it. */
function wordLengths(text: string): number[] {
  const lengths: number[] = [];
  for (const { segment } of WORDS.segment(text)) {
    const length = [...segment].length;
    if (segment === '儿' && lengths.length > 0) lengths[lengths.length - 1]! += 1;
    else lengths.push(length);
  }
  return lengths;
}

function applyNeutralTones(words: Syllable[][], isLastWord: (index: number) => boolean): void {
  words.forEach((word, w) => {
    const last = word[word.length - 1]!;
    if (word.length === 1 && PARTICLES.has(last.char) && isLastWord(w)) last.pinyin = withTone(last.pinyin, 5);
    if (word.length === 1 && STRUCTURAL.has(last.char) && last.char !== '过') last.pinyin = withTone(last.pinyin, 5);
    if ((word.length > 1 || w > 0) && SUFFIXES.has(last.char)) last.pinyin = withTone(last.pinyin, 5);
    // Reduplicated nouns/verbs (妈妈, 看看, 谢谢): the second syllable is neutral.
    if (word.length === 2 && word[0]!.char === word[1]!.char) word[1]!.pinyin = withTone(word[1]!.pinyin, 5);
  });
}

const allThird = (word: readonly Syllable[]): boolean => word.every((s) => toneOf(s.pinyin) === 3);

/** Third-tone sandhi (PaddleSpeech rules as GPT-SoVITS uses them) on one word, given its sub-words. */
function thirdToneSandhi(word: Syllable[], parts: readonly number[]): void {
  const setTone2 = (s: Syllable): void => {
    s.pinyin = withTone(s.pinyin, 2);
  };
  if (word.length === 2 && allThird(word)) setTone2(word[0]!);
  else if (word.length === 3) {
    // Sub-words come from merging; a single dictionary word of three syllables is taken as 2 + 1.
    const first = parts.length > 1 && parts[0]! < 3 ? parts[0]! : 2;
    if (allThird(word)) {
      if (first === 2) { setTone2(word[0]!); setTone2(word[1]!); } // 双单: 展览/馆
      else setTone2(word[1]!); // 单双: 很/好看 → only the middle
    } else {
      const a = word.slice(0, first);
      const b = word.slice(first);
      if (a.length === 2 && allThird(a)) setTone2(a[0]!);
      if (b.length === 2 && allThird(b)) setTone2(b[0]!);
      else if (toneOf(b[0]!.pinyin) === 3 && toneOf(a[a.length - 1]!.pinyin) === 3) setTone2(a[a.length - 1]!); // 好/喜欢
    }
  } else if (word.length === 4) {
    for (const half of [word.slice(0, 2), word.slice(2)]) if (allThird(half)) setTone2(half[0]!);
  }
}

/** Erhua: a word-final 儿 (er2/er5) takes the tone of the syllable before it. */
function applyErhua(word: Syllable[]): void {
  const last = word[word.length - 1]!;
  if (word.length < 2 || last.char !== '儿') return;
  if (NOT_ERHUA.has(word.map((s) => s.char).join('')) || NOT_ERHUA.has(word.slice(-2).map((s) => s.char).join(''))) return;
  if (last.pinyin === 'er1') last.pinyin = 'er2';
  if (last.pinyin === 'er2' || last.pinyin === 'er5') last.pinyin = 'er' + String(toneOf(word[word.length - 2]!.pinyin));
}

/**
 * Toned syllables after the GPT-SoVITS tone rules, one per Han character, punctuation kept.
 * `pinyin` is the text front end's reading (one syllable per Han character); when it does not line up
 * with the text, pinyin-pro reads the text instead.
 */
export function chineseSyllables(text: string, pinyin?: string): Syllable[] {
  const syllables = alignPinyin(text, pinyin);
  // Work clause by clause (punctuation ends a clause): words never cross punctuation.
  const clauses: Syllable[][] = [[]];
  for (const s of syllables) {
    if (s.punctuation) clauses.push([s], []);
    else clauses[clauses.length - 1]!.push(s);
  }
  for (const clause of clauses) {
    if (clause.length === 0 || clause[0]!.punctuation) continue;
    const lengths = wordLengths(clause.map((s) => s.char).join(''));
    let words: Syllable[][] = [];
    let at = 0;
    for (const length of lengths) {
      words.push(clause.slice(at, at + length));
      at += length;
    }
    if (at < clause.length) words.push(clause.slice(at));
    applyNeutralTones(words, (index) => index === words.length - 1);
    // Merge neighbouring all-third-tone words into one sandhi domain of at most 3 syllables (我/很 → 我很).
    const merged: Array<{ word: Syllable[]; parts: number[] }> = [];
    let mergedLast = false;
    for (const word of words) {
      const previous = merged[merged.length - 1];
      if (previous !== undefined && !mergedLast && allThird(previous.word) && allThird(word) && previous.word.length + word.length <= 3 &&
        !(previous.word.length === 2 && previous.word[0]!.char === previous.word[1]!.char)) {
        previous.word = [...previous.word, ...word];
        previous.parts.push(word.length);
        mergedLast = true;
      } else {
        merged.push({ word, parts: [word.length] });
        mergedLast = false;
      }
    }
    for (const { word, parts } of merged) thirdToneSandhi(word, parts);
    words = merged.map((m) => m.word);
    for (const word of words) applyErhua(word);
  }
  return syllables;
}

/** One character of a Mandarin run and the phones it reads as (none for a repeated punctuation mark). */
export interface CharacterPhones {
  /** The Han character, or the punctuation phone for a mark (what GPT-SoVITS's RoBERTa tokenizer reads). */
  readonly character: string;
  readonly phones: readonly string[];
}

/**
 * Phones for a Mandarin run, character by character (GPT-SoVITS's word2ph): RoBERTa features are per
 * character and each is repeated for the character's phones. Unknown syllables become UNK;
 * consecutive punctuation keeps the first mark.
 */
export function chineseCharacterPhones(text: string, pinyin?: string): CharacterPhones[] {
  const out: CharacterPhones[] = [];
  let previousWasPunctuation = false;
  for (const s of chineseSyllables(text, pinyin)) {
    if (s.punctuation) {
      out.push({ character: s.pinyin, phones: previousWasPunctuation ? [] : [s.pinyin] });
      previousWasPunctuation = true;
      continue;
    }
    previousWasPunctuation = false;
    out.push({ character: s.char, phones: syllableToPhones(s.pinyin) ?? ['UNK'] });
  }
  return out;
}

/** Phones for a Mandarin run. */
export function chinesePhones(text: string, pinyin?: string): string[] {
  return chineseCharacterPhones(text, pinyin).flatMap((c) => c.phones);
}
