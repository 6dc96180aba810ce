/** One user override: how a word or phrase should be said. */
export interface PronunciationEntry {
  readonly word: string;
  readonly reading: string;
}

const LATIN_ONLY = /^[\p{Script=Latin}\p{N}\s'.-]+$/u;
const LATIN_LETTER_OR_DIGIT = /[\p{Script=Latin}\p{N}]/u;

/**
 * User pronunciation overrides ("yyds" → "永远的神", "Chorus" → "扣若斯"), applied to raw chat text before
 * normalisation. Longest match wins; Latin words match case-insensitively and only as whole words, so
 * "gg" does not fire inside "eggs".
 */
export class PronunciationDictionary {
  readonly #entries = new Map<string, PronunciationEntry>();
  #longest = 0;

  constructor(entries: Iterable<PronunciationEntry> | Readonly<Record<string, string>> = []) {
    const list: Iterable<PronunciationEntry> = Symbol.iterator in entries
      ? (entries as Iterable<PronunciationEntry>)
      : Object.entries(entries as Readonly<Record<string, string>>).map(([word, reading]) => ({ word, reading }));
    for (const entry of list) this.set(entry.word, entry.reading);
  }

  get size(): number {
    return this.#entries.size;
  }

  set(word: string, reading: string): void {
    const trimmed = word.trim();
    if (trimmed === '') return;
    this.#entries.set(trimmed.toLowerCase(), { word: trimmed, reading });
    this.#longest = Math.max(this.#longest, trimmed.length);
  }

  delete(word: string): boolean {
    return this.#entries.delete(word.trim().toLowerCase());
  }

  entries(): PronunciationEntry[] {
    return [...this.#entries.values()];
  }

  apply(text: string): string {
    if (this.#entries.size === 0) return text;
    const lower = text.toLowerCase();
    // toLowerCase can change length for a few characters (e.g. "İ"); then fall back to exact-case lookup.
    const folded = lower.length === text.length ? lower : text;
    let out = '';
    let index = 0;
    while (index < text.length) {
      let matched: PronunciationEntry | undefined;
      let matchedLength = 0;
      for (let length = Math.min(this.#longest, text.length - index); length > 0; length--) {
        const entry = this.#entries.get(folded.slice(index, index + length));
        if (entry && this.#isWholeWord(text, index, length, entry)) {
          matched = entry;
          matchedLength = length;
          break;
        }
      }
      if (matched) {
        out += matched.reading;
        index += matchedLength;
      } else {
        const codePoint = text.codePointAt(index) ?? 0;
        const width = codePoint > 0xffff ? 2 : 1;
        out += text.slice(index, index + width);
        index += width;
      }
    }
    return out;
  }

  #isWholeWord(text: string, index: number, length: number, entry: PronunciationEntry): boolean {
    if (!LATIN_ONLY.test(entry.word)) return true;
    const before = text[index - 1] ?? '';
    const after = text[index + length] ?? '';
    return !LATIN_LETTER_OR_DIGIT.test(before) && !LATIN_LETTER_OR_DIGIT.test(after);
  }
}
