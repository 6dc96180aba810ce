import { OutputFormat, pinyin, segment } from 'pinyin-pro';
import { PINYIN_CORRECTIONS } from './PinyinCorrections.ts';

/** Punctuation inside a Mandarin run, as the plain ASCII marks espeak-ng pauses on. Others are dropped. */
const PUNCTUATION: Readonly<Record<string, string>> = {
  '，': ',', ',': ',', '、': ',', '。': '.', '.': '.', '．': '.', '！': '!', '!': '!', '？': '?', '?': '?',
  '；': ';', ';': ';', '：': ':', ':': ':', '…': ',', '（': ',', '(': ',', '）': ',', ')': ',', '—': ',',
  '～': ',', '~': ',', '\n': '.',
};
/** When several marks meet ("？！"), the strongest one is kept. */
const STRENGTH: Readonly<Record<string, number>> = { ',': 1, ':': 2, ';': 3, '.': 4, '!': 5, '?': 6 };

const NUMERALS = new Set([...'零一二三四五六七八九十百千万亿两点幺']);
const MULTIPLIERS = new Set([...'百千万亿']);
/** After 一, these make it an ordinal, a date or arithmetic, read yī: 一月, 一号, 一楼, 一等奖, 一加一. */
const ORDINAL_FOLLOWERS = new Set([...'月号楼加减乘除等']);

interface Syllable {
  readonly char: string;
  /** Toned pinyin ("hang2"), or undefined for a non-Han character. */
  pinyin: string | undefined;
  /** True when this character ends a multi-character word (from pinyin-pro's segmentation). */
  wordEnd: boolean;
}

function toneOf(syllable: string | undefined): number {
  const tone = Number(syllable?.at(-1));
  return Number.isInteger(tone) && tone >= 1 && tone <= 5 ? tone : 5;
}

/** espeak-ng's cmn-latn-pinyin wants v for ü, 5 for the neutral tone, and standard finals. */
function toEspeakSyllable(raw: string): string {
  let syllable = raw.replace(/ü/g, 'v').replace(/0$/, '5');
  if (!/[1-5]$/.test(syllable)) syllable += '5';
  // Interjection syllables with no vowel (嗯 ng, 呣 m, 哼 hng) are written as the vowel a speaker says.
  syllable = syllable.replace(/^(?:ng|n)(\d)$/, 'en$1').replace(/^m(\d)$/, 'mu$1').replace(/^hn?g(\d)$/, 'heng$1');
  return syllable.replace(/ê/g, 'ei');
}

/**
 * Converts a Mandarin run (Han text, already normalised: no digits) into toned pinyin for espeak-ng:
 * "银行行长" → "yin2 hang2 hang2 zhang3". Polyphones come from pinyin-pro's word-level dictionary, then a
 * small correction table; 一/不 tone sandhi is applied here (espeak-ng does not do it).
 */
export class PinyinConverter {
  readonly #corrections: ReadonlyArray<readonly [string, readonly string[]]>;

  constructor(extraCorrections: Readonly<Record<string, string>> = {}) {
    this.#corrections = Object.entries({ ...PINYIN_CORRECTIONS, ...extraCorrections })
      .map(([word, reading]) => [word, reading.trim().split(/\s+/)] as const)
      .filter(([word, syllables]) => [...word].length === syllables.length)
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** Toned syllables, space-separated, with punctuation as ASCII marks ("ni3 hao3, zhu3 bo1!"). */
  convert(text: string): string {
    const syllables = this.syllables(text);
    let out = '';
    let pendingMark = '';
    for (const { char, pinyin: reading } of syllables) {
      if (reading !== undefined) {
        if (pendingMark !== '') out += pendingMark;
        pendingMark = '';
        out += (out === '' ? '' : ' ') + reading;
        continue;
      }
      const mark = PUNCTUATION[char];
      if (mark !== undefined && out !== '' && (STRENGTH[mark] ?? 0) > (STRENGTH[pendingMark] ?? 0)) pendingMark = mark;
    }
    return out + pendingMark;
  }

  /** One entry per character: its final pinyin (after corrections and sandhi) or undefined. */
  syllables(text: string): Syllable[] {
    const items = text === '' ? [] : pinyin(text, { toneType: 'num', toneSandhi: false, type: 'all' });
    const syllables: Syllable[] = items.map((item) => ({
      char: item.origin,
      pinyin: item.isZh && item.pinyin !== '' ? item.pinyin : undefined,
      wordEnd: false,
    }));
    this.#markWordEnds(text, syllables);
    this.#applyCorrections(syllables);
    this.#applyYiBuSandhi(syllables);
    for (const syllable of syllables) {
      if (syllable.pinyin !== undefined) syllable.pinyin = toEspeakSyllable(syllable.pinyin);
    }
    return syllables;
  }

  #markWordEnds(text: string, syllables: Syllable[]): void {
    const words = segment(text, { format: OutputFormat.AllSegment, toneType: 'num', toneSandhi: false });
    let index = 0;
    for (const word of words) {
      const length = [...word.origin].length;
      const last = syllables[index + length - 1];
      if (length > 1 && last !== undefined) last.wordEnd = true;
      index += length;
    }
  }

  #applyCorrections(syllables: Syllable[]): void {
    const chars = syllables.map((s) => s.char);
    const joined = chars.join('');
    if (!this.#corrections.some(([word]) => joined.includes(word))) return;
    const fixed = new Array<boolean>(chars.length).fill(false);
    for (const [word, readings] of this.#corrections) {
      const wordChars = [...word];
      for (let start = 0; start + wordChars.length <= chars.length; start++) {
        if (!wordChars.every((c, k) => chars[start + k] === c && !fixed[start + k])) continue;
        wordChars.forEach((_c, k) => {
          const target = syllables[start + k];
          if (target) target.pinyin = readings[k];
          fixed[start + k] = true;
        });
      }
    }
  }

  /**
   * 不 → bu2 before a 4th tone, neutral in "X不X" questions. 一 keeps yi1 in numbers, ordinals and at the
   * end of a word (第一, 十一, 统一); neutral in "X一X" (看一看); otherwise yi2 before a 4th/neutral tone and
   * yi4 before tones 1–3 (一个 yi2, 一起 yi4).
   */
  #applyYiBuSandhi(syllables: Syllable[]): void {
    syllables.forEach((current, index) => {
      if (current.char !== '一' && current.char !== '不') return;
      const previous = syllables[index - 1];
      const next = syllables[index + 1];
      const afterNext = syllables[index + 2];
      const nextIsHan = next?.pinyin !== undefined;
      const beforePrevious = syllables[index - 2];
      // "X不X" / "X一X" (好不好, 看一看), but not a repeated "不X不X" (不对不对).
      const reduplication = previous?.pinyin !== undefined && nextIsHan && previous.char === next?.char &&
        beforePrevious?.char !== current.char;
      const nextTone = toneOf(next?.pinyin);

      if (current.char === '不') {
        if (reduplication) current.pinyin = 'bu5';
        else if (current.pinyin === 'bu5') return;
        else current.pinyin = nextIsHan && nextTone === 4 ? 'bu2' : 'bu4';
        return;
      }

      const previousIsNumeral = previous !== undefined && NUMERALS.has(previous.char) &&
        // "点一下" (click once) is not a number; "三点一四" is.
        (previous.char !== '点' || (beforePrevious !== undefined && NUMERALS.has(beforePrevious.char)));
      const sandhiTone = nextTone === 4 || nextTone === 5 ? 'yi2' : 'yi4';
      if (reduplication && !NUMERALS.has(previous?.char ?? '')) current.pinyin = 'yi5';
      else if (previous?.char === '第') current.pinyin = 'yi1';
      else if (next !== undefined && MULTIPLIERS.has(next.char) && previous?.char !== '十') current.pinyin = sandhiTone;
      else if (previousIsNumeral) current.pinyin = 'yi1';
      else if (next !== undefined && NUMERALS.has(next.char) && next.char !== '点' && next.char !== '两') current.pinyin = 'yi1';
      else if (next?.char === '点' && afterNext !== undefined && afterNext.char !== '点' && NUMERALS.has(afterNext.char)) current.pinyin = 'yi1';
      else if (next !== undefined && ORDINAL_FOLLOWERS.has(next.char)) current.pinyin = 'yi1';
      else if (current.wordEnd || !nextIsHan) current.pinyin = 'yi1';
      else current.pinyin = sandhiTone;
    });
  }
}
