import type { Language } from './TextPart.ts';

/** A stretch of text in one language, before normalisation. */
export interface ScriptRun {
  readonly language: Language;
  readonly text: string;
}

type CharClass = Language | 'neutral';

const HAN = /[\p{Script=Han}\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65\uFE30-\uFE4F]/u;
const LATIN = /\p{Script=Latin}/u;
/** Letters of scripts neither voice can read (kana, hangul, Cyrillic, ...): dropped. */
const OTHER_LETTER = /[\p{L}\p{M}]/u;

/** Latin units that, right after a number in a Chinese sentence, are read in Chinese (5km → 五公里). */
const CHINESE_CONTEXT_UNITS = new Set([
  'km', 'KM', 'Km', 'kg', 'KG', 'Kg', 'cm', 'CM', 'mm', 'ml', 'mL', 'ML', 'm', 'g', 'L', 'M', 'MB', 'mb', 'K',
  'KB', 'kb', 'k', 'w', 'W', 'Hz', 'hz', 'kHz', 'fps', 'FPS', 'h', 'hr', 'hrs', 'min', 'mins', 's', 'sec', 'ms',
  'Mbps', 'kmh', 'rmb', 'RMB', 'CNY', 'cny', 'C', 'F',
]);

function classify(char: string): CharClass | 'drop' {
  if (char === 'の') return 'zh';
  if (HAN.test(char)) return 'zh';
  if (LATIN.test(char)) return 'en';
  if (OTHER_LETTER.test(char)) return 'drop';
  return 'neutral';
}

interface Segment {
  cls: CharClass;
  text: string;
}

function isHanContext(chars: readonly string[], classes: readonly (CharClass | 'drop')[], start: number, end: number): boolean {
  for (let index = start - 1; index >= 0; index--) {
    const cls = classes[index];
    if (cls === 'zh') return true;
    if (cls === 'en') return false;
  }
  for (let index = end; index < chars.length; index++) {
    const cls = classes[index];
    if (cls === 'zh') return true;
    if (cls === 'en') return false;
  }
  return false;
}

/**
 * Splits text into language runs: Han characters and CJK punctuation are Mandarin, Latin letters are
 * English. Digits, spaces and ASCII punctuation are neutral and join the run around them; between two
 * languages they split at the last space ("好玩 3 games" keeps "3 games" English), and with no space they
 * stay with the run before ("iPhone15"), except a number right before Han ("game 3块") goes with the Han.
 */
export function splitScripts(text: string, fallback: Language): ScriptRun[] {
  const chars = [...text.replace(/の/g, '的')];
  const classes = chars.map(classify);

  // Units after numbers in a Chinese context are read by the Chinese normaliser: make them neutral.
  for (let index = 0; index < chars.length; index++) {
    if (classes[index] !== 'en') continue;
    let end = index;
    while (end < chars.length && classes[end] === 'en') end++;
    const word = chars.slice(index, end).join('');
    let before = index - 1;
    if (chars[before] === ' ') before--;
    const afterNumber = /\d/.test(chars[before] ?? '') || /[°℃]/.test(chars[before] ?? '');
    if (afterNumber && CHINESE_CONTEXT_UNITS.has(word) && isHanContext(chars, classes, before, end)) {
      for (let k = index; k < end; k++) classes[k] = 'neutral';
    }
    index = end - 1;
  }

  const segments: Segment[] = [];
  chars.forEach((char, index) => {
    const cls = classes[index];
    if (cls === 'drop' || cls === undefined) return;
    const last = segments.at(-1);
    if (last && last.cls === cls) last.text += char;
    else segments.push({ cls, text: char });
  });

  const runs: { language: Language; text: string }[] = [];
  const push = (language: Language, piece: string): void => {
    if (piece === '') return;
    const last = runs.at(-1);
    if (last && last.language === language) last.text += piece;
    else runs.push({ language, text: piece });
  };

  segments.forEach((segment, index) => {
    if (segment.cls !== 'neutral') {
      push(segment.cls, segment.text);
      return;
    }
    const previous = segments[index - 1]?.cls as Language | undefined;
    const next = segments[index + 1]?.cls as Language | undefined;
    if (previous === undefined && next === undefined) push(fallback, segment.text);
    else if (previous === undefined) push(next ?? fallback, segment.text);
    else if (next === undefined || previous === next) push(previous, segment.text);
    else {
      const cut = segment.text.trimEnd().search(/\s\S*$/);
      if (cut >= 0) {
        push(previous, segment.text.slice(0, cut + 1));
        push(next, segment.text.slice(cut + 1));
      } else {
        // No space: punctuation stays with the sentence it closes; a number right before Han is counted
        // in Chinese ("game3块"), otherwise it stays with its word.
        const split = next === 'zh' ? segment.text.search(/[\d$¥￥€£+-]/) : -1;
        if (split >= 0) {
          push(previous, segment.text.slice(0, split));
          push(next, segment.text.slice(split));
        } else {
          push(previous, segment.text);
        }
      }
    }
  });
  return runs;
}
