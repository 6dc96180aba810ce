import type { Language } from './TextPart.ts';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

function languageOf(char: string): Language | undefined {
  if (HAN.test(char)) return 'zh';
  if (LATIN.test(char)) return 'en';
  return undefined;
}

/**
 * The language of the text around a position: the nearest Han or Latin letter before `start`, else the
 * nearest after `end`, else `fallback`. Used to name emoji and links in the language of their sentence.
 */
export function languageAround(text: string, start: number, end: number, fallback: Language): Language {
  const before = [...text.slice(Math.max(0, start - 200), start)];
  for (let index = before.length - 1; index >= 0; index--) {
    const language = languageOf(before[index] ?? '');
    if (language) return language;
  }
  for (const char of text.slice(end, end + 200)) {
    const language = languageOf(char);
    if (language) return language;
  }
  return fallback;
}
