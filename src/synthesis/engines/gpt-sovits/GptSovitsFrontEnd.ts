import type { Language, Sentence, TextPart } from '../../../text/TextPart.ts';
import { chineseCharacterPhones } from './ChineseG2p.ts';
import { englishPhones } from './EnglishG2p.ts';
import { PUNCTUATION, phonesToIds } from './symbols.ts';

/** Where a phone came from: character `character` of Mandarin run `run`. */
export type PhoneSource = readonly [run: number, character: number];

export interface ModelText {
  readonly phones: readonly string[];
  readonly ids: Int32Array;
  /** The characters of each Mandarin run: GPT-SoVITS gives their phones RoBERTa features, every other phone zeros. */
  readonly chineseRuns: ReadonlyArray<readonly string[]>;
  /** For each phone, the Mandarin character it reads, or null (English, punctuation added here). */
  readonly phoneSources: ReadonlyArray<PhoneSource | null>;
}

const isPunctuation = (phone: string | undefined): boolean => phone !== undefined && (PUNCTUATION as readonly string[]).includes(phone);

/** A part's phones, each with its source character when the part is Mandarin (then its characters go to `runs`). */
function partPhones(part: TextPart, runs: string[][]): Array<{ phone: string; source: PhoneSource | null }> {
  if (part.language !== 'zh') return englishPhones(part.text).map((phone) => ({ phone, source: null }));
  const characters = chineseCharacterPhones(part.text, part.pinyin);
  const run = runs.push(characters.map((c) => c.character)) - 1;
  return characters.flatMap((c, character) => c.phones.map((phone) => ({ phone, source: [run, character] as const })));
}

/**
 * The model's text input for one sentence: phones of each part in order (Mandarin and English mixed),
 * ending in punctuation (GPT-SoVITS appends "。"/"." when a segment has none), and with a leading "."
 * when there are fewer than 6 phones (GPT-SoVITS retries short inputs that way; very short inputs make
 * the decoder stop early or babble).
 */
export function sentenceToModelText(sentence: Sentence): ModelText {
  const phones: string[] = [];
  const phoneSources: Array<PhoneSource | null> = [];
  const chineseRuns: string[][] = [];
  for (const part of sentence.parts) {
    for (const { phone, source } of partPhones(part, chineseRuns)) {
      if (isPunctuation(phone) && (phones.length === 0 || isPunctuation(phones[phones.length - 1]))) continue;
      phones.push(phone);
      phoneSources.push(source);
    }
  }
  if (phones.length > 0 && !isPunctuation(phones[phones.length - 1])) {
    phones.push('.');
    phoneSources.push(null);
  }
  if (phones.length > 0 && phones.length < 6) {
    phones.unshift('.');
    phoneSources.unshift(null);
  }
  return { phones, ids: phonesToIds(phones), chineseRuns, phoneSources };
}

/** The model's text input for a voice's reference transcript. */
export function transcriptToModelText(transcript: string, language: Language): ModelText {
  const parts: TextPart[] = [];
  // Split into script runs: Han (with CJK punctuation) vs everything else, labelled by the voice language.
  for (const run of transcript.match(/[\p{Script=Han}，。！？、；：…]+|[^\p{Script=Han}，。！？、；：…]+/gu) ?? []) {
    const han = /\p{Script=Han}/u.test(run);
    const english = /[A-Za-z]/.test(run);
    if (han) parts.push({ language: 'zh', text: run });
    else if (english) parts.push({ language: 'en', text: run });
    else parts.push({ language, text: run });
  }
  return sentenceToModelText({ parts });
}
