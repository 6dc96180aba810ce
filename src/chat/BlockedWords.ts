/**
 * Words that must never be read aloud (ads, slurs, anything that could get a room banned). Matching ignores
 * case, spaces and the separators people put between characters to dodge filters ("傻 逼", "f.u.c.k").
 */
export class BlockedWords {
  readonly #words: readonly string[];

  constructor(words: Iterable<string>) {
    this.#words = [...new Set([...words].map(fold).filter((word) => word !== ''))];
  }

  get size(): number {
    return this.#words.length;
  }

  /** The first blocked word found in `text`, folded, or undefined. */
  find(text: string): string | undefined {
    if (this.#words.length === 0) return undefined;
    const folded = fold(text);
    return this.#words.find((word) => folded.includes(word));
  }
}

/** Lower case, full-width to half-width, and no whitespace or punctuation. */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}
