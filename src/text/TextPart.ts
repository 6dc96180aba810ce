/** A language the text front end can hand to an engine. */
export type Language = 'zh' | 'en';

/**
 * One run of normalised text in a single language, as an engine receives it.
 * `text` is what a human would read (digits already spelled out); `pinyin` is present for Mandarin
 * runs: toned syllables separated by spaces (e.g. "yin2 hang2"), tone sandhi for 一/不 already applied,
 * neutral tone written as 5, punctuation kept as-is between syllables.
 */
export interface TextPart {
  readonly language: Language;
  readonly text: string;
  readonly pinyin?: string;
}

/** A sentence: the unit of streaming. Engines emit audio for one sentence before starting the next. */
export interface Sentence {
  readonly parts: readonly TextPart[];
}
