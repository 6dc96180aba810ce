const SENTENCE_END = /[。！？!?；;…\n]/u;
/** Characters that belong to the character before them and must never start a cut-off piece. */
const ATTACHED = /[\p{M}\u200D\uFE0E\uFE0F\u{1F3FB}-\u{1F3FF}]/u;
const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}.,%]/u;

function isSafeCut(before: string, after: string): boolean {
  if (ATTACHED.test(after) || before === '\u200D') return false;
  if (/\s/u.test(before) || /\s/u.test(after)) return true;
  // Between two Han characters, or Han and anything, every boundary is a syllable boundary.
  if (HAN.test(before) || HAN.test(after)) return !(WORD.test(before) && WORD.test(after) && !HAN.test(before) && !HAN.test(after));
  return !(WORD.test(before) && WORD.test(after));
}

/**
 * Shortens text to at most `maxCharacters` code points, cutting after the last sentence end when there is
 * one in the second half, otherwise at the last word or syllable boundary, never inside a number, a Latin
 * word or a surrogate pair.
 */
export function truncateText(text: string, maxCharacters: number): string {
  const chars = [...text];
  if (chars.length <= maxCharacters) return text;
  const limit = Math.max(0, Math.floor(maxCharacters));
  for (let index = limit; index > limit / 2; index--) {
    if (SENTENCE_END.test(chars[index - 1] ?? '') && !SENTENCE_END.test(chars[index] ?? '')) {
      return chars.slice(0, index).join('').trimEnd();
    }
  }
  for (let index = limit; index > 0; index--) {
    if (isSafeCut(chars[index - 1] ?? '', chars[index] ?? '')) return chars.slice(0, index).join('').trimEnd();
  }
  return '';
}
