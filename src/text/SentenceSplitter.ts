import type { ScriptRun } from './ScriptSplitter.ts';

export interface SentenceSplitterOptions {
  /** A sentence longer than this many Han characters is split at commas. Default 60. */
  readonly maxHanCharacters?: number;
  /** A sentence longer than this many Latin-script characters is split at commas. Default 200. */
  readonly maxLatinCharacters?: number;
  /** Sentences with fewer letters than this are merged into a neighbour. Default 2. */
  readonly minCharacters?: number;
}

type Sentence = ScriptRun[];

const TERMINATORS = new Set([...'。！？!?；;…\n']);
const CLOSERS = new Set([...'"\'”’」』）)]】》']);
const TERMINATOR = /(?:[。！？!?；;…\n]|\.)["'”’」』）)\]】》]*\s*$/u;

/** Cuts text after each sentence terminator, keeping closing quotes and brackets with the sentence. */
function splitPieces(text: string): string[] {
  const chars = [...text];
  const pieces: string[] = [];
  let current = '';
  let index = 0;
  while (index < chars.length) {
    const char = chars[index] ?? '';
    current += char;
    index++;
    const next = chars[index];
    const isDotEnd = char === '.' && (next === undefined || /\s/.test(next) || CLOSERS.has(next) || next === '.');
    if (!TERMINATORS.has(char) && !isDotEnd) continue;
    while (index < chars.length && (TERMINATORS.has(chars[index] ?? '') || chars[index] === '.')) current += chars[index++];
    while (index < chars.length && CLOSERS.has(chars[index] ?? '')) current += chars[index++];
    pieces.push(current);
    current = '';
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

const CLAUSE = /[^，,、：:]*(?:[，,、：:]+\s*|$)/gu;
const HAN = /\p{Script=Han}/gu;
const LETTER = /[\p{L}\p{N}]/gu;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

function append(sentence: Sentence, run: ScriptRun): void {
  if (run.text === '') return;
  const last = sentence.at(-1);
  if (last && last.language === run.language) sentence[sentence.length - 1] = { language: last.language, text: last.text + run.text };
  else sentence.push(run);
}

/**
 * Cuts normalised language runs into sentences, the unit the engines stream: on 。！？!?；; … and newlines
 * (closing quotes stay with their sentence), merges fragments too short to say on their own, and splits
 * sentences too long to wait for at commas (or, failing that, at a character or word limit).
 */
export class SentenceSplitter {
  readonly maxHanCharacters: number;
  readonly maxLatinCharacters: number;
  readonly minCharacters: number;

  constructor(options: SentenceSplitterOptions = {}) {
    this.maxHanCharacters = options.maxHanCharacters ?? 60;
    this.maxLatinCharacters = options.maxLatinCharacters ?? 200;
    this.minCharacters = options.minCharacters ?? 2;
  }

  split(runs: readonly ScriptRun[]): ScriptRun[][] {
    const sentences: Sentence[] = [];
    let current: Sentence = [];
    for (const run of runs) {
      for (const piece of splitPieces(run.text)) {
        if (piece === '') continue;
        append(current, { language: run.language, text: piece });
        if (TERMINATOR.test(piece)) {
          sentences.push(current);
          current = [];
        }
      }
    }
    if (current.length > 0) sentences.push(current);

    const merged = this.#mergeShort(sentences.map((s) => this.#tidy(s)).filter((s) => s.length > 0));
    return merged.flatMap((sentence) => this.#splitLong(sentence));
  }

  /** Trims whitespace at the edges of each part and drops parts with nothing to say. */
  #tidy(sentence: Sentence): Sentence {
    return sentence
      .map((part) => ({ language: part.language, text: part.text.replace(/\s+/g, ' ').trim() }))
      .filter((part) => count(part.text, LETTER) > 0);
  }

  #letters(sentence: Sentence): number {
    return sentence.reduce((sum, part) => sum + count(part.text, LETTER), 0);
  }

  #mergeShort(sentences: Sentence[]): Sentence[] {
    const out: Sentence[] = [];
    for (const sentence of sentences) {
      const previous = out.at(-1);
      if (previous && this.#letters(sentence) < this.minCharacters) {
        for (const part of sentence) append(previous, { language: part.language, text: ' ' + part.text });
      } else if (previous && this.#letters(previous) < this.minCharacters) {
        const combined: Sentence = [];
        for (const part of [...previous, ...sentence]) append(combined, { language: part.language, text: part.text + ' ' });
        out[out.length - 1] = this.#tidy(combined);
      } else {
        out.push(sentence);
      }
    }
    return out.map((s) => this.#tidy(s));
  }

  /** How full a piece of text makes a sentence: 1 = at the limit. */
  #weight(text: string): number {
    const han = count(text, HAN);
    // Non-Han text is measured in characters, spaces included, like the 200-character limit it models.
    const other = [...text.trim()].length - han - count(text, /[\p{P}\s]/gu) * (han > 0 ? 1 : 0);
    return han / this.maxHanCharacters + other / this.maxLatinCharacters;
  }

  #splitLong(sentence: Sentence): Sentence[] {
    const total = sentence.reduce((sum, part) => sum + this.#weight(part.text), 0);
    if (total <= 1) return [sentence];
    const atoms: ScriptRun[] = [];
    for (const part of sentence) {
      for (const clause of part.text.match(CLAUSE) ?? []) {
        if (clause === '') continue;
        for (const piece of this.#hardSplit(clause)) atoms.push({ language: part.language, text: piece });
      }
    }
    const out: Sentence[] = [];
    let current: Sentence = [];
    let weight = 0;
    for (const atom of atoms) {
      const atomWeight = this.#weight(atom.text);
      if (current.length > 0 && weight + atomWeight > 1) {
        out.push(current);
        current = [];
        weight = 0;
      }
      append(current, atom);
      weight += atomWeight;
    }
    if (current.length > 0) out.push(current);
    return out.map((s) => this.#tidy(s)).filter((s) => s.length > 0);
  }

  /** Splits one clause that alone exceeds the limit: Han at the character limit, Latin at a space. */
  #hardSplit(clause: string): string[] {
    if (this.#weight(clause) <= 1) return [clause];
    const pieces: string[] = [];
    let current = '';
    for (const token of clause.match(/\p{Script=Han}|[^\s\p{Script=Han}]+\s*|\s+/gu) ?? []) {
      if (current !== '' && this.#weight(current + token) > 1) {
        pieces.push(current);
        current = '';
      }
      current += token;
    }
    if (current !== '') pieces.push(current);
    return pieces;
  }
}
