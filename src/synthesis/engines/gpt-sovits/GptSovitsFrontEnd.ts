import type { Language, Sentence, TextPart } from '../../../text/TextPart.ts';
import { chinesePhones } from './ChineseG2p.ts';
import { englishPhones } from './EnglishG2p.ts';
import { PUNCTUATION, phonesToIds } from './symbols.ts';

export interface ModelText {
  readonly phones: readonly string[];
  readonly ids: Int32Array;
}

const isPunctuation = (phone: string | undefined): boolean => phone !== undefined && (PUNCTUATION as readonly string[]).includes(phone);

function partPhones(part: TextPart): string[] {
  return part.language === 'zh' ? chinesePhones(part.text, part.pinyin) : englishPhones(part.text);
}

/**
 * The model's text input for one sentence: phones of each part in order (Mandarin and English mixed),
 * ending in punctuation (GPT-SoVITS appends "。"/"." when a segment has none), and with a leading "."
 * when there are fewer than 6 phones (GPT-SoVITS retries short inputs that way; very short inputs make
 * the decoder stop early or babble).
 */
export function sentenceToModelText(sentence: Sentence): ModelText {
  const phones: string[] = [];
  for (const part of sentence.parts) {
    for (const phone of partPhones(part)) {
      if (isPunctuation(phone) && (phones.length === 0 || isPunctuation(phones[phones.length - 1]))) continue;
      phones.push(phone);
    }
  }
  if (phones.length > 0 && !isPunctuation(phones[phones.length - 1])) phones.push('.');
  if (phones.length > 0 && phones.length < 6) phones.unshift('.');
  return { phones, ids: phonesToIds(phones) };
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
