import { splitScripts } from '../../../text/ScriptSplitter.ts';
import type { Language } from '../../../text/TextPart.ts';

/**
 * Language the reference clip is assumed to speak when its transcript does not say. Syllables per second
 * differ between languages (espeak's Mandarin says ~4.1 a second at its default speed, its English ~5.9), so a
 * reference's rate is only comparable with espeak speaking the same language; the tempo ratio found there then
 * applies to every output language, espeak's default speed being its normal pace in each. (Comparing an
 * English clip with espeak's Mandarin always hit the speed clamp.)
 */
export const DEFAULT_REFERENCE_LANGUAGE: Language = 'en';

/** The language most of a clip's transcript is written in (Han → Mandarin, Latin → English), or the default. */
export function referenceLanguageOf(transcript: string): Language {
  const characters: Record<Language, number> = { en: 0, zh: 0 };
  for (const run of splitScripts(transcript, DEFAULT_REFERENCE_LANGUAGE)) characters[run.language] += run.text.replace(/[\s\p{P}\d]/gu, '').length;
  if (characters.zh === 0 && characters.en === 0) return DEFAULT_REFERENCE_LANGUAGE;
  // A Han character is a syllable, a Latin letter a fraction of one: weigh them alike by syllables.
  return characters.zh * 3 >= characters.en ? 'zh' : 'en';
}
