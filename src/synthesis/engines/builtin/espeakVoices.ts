import type { Language } from '../../../text/TextPart.ts';

/** espeak-ng's output rate for every voice in the wasm build. */
export const ESPEAK_SAMPLE_RATE = 22050;

/** Where the wasm build's data lives in its in-memory file system. */
export const ESPEAK_DATA_DIRECTORY = '/usr/share/espeak-ng-data';
export const ESPEAK_VARIANT_DIRECTORY = `${ESPEAK_DATA_DIRECTORY}/voices/!v`;

/**
 * Voice per language. Mandarin is fed toned pinyin: `cmn-latn-pinyin` reads tone digits as tones, where
 * `cmn` reads Latin text as English (see docs/builtin-voice.md §1.1).
 */
export const ESPEAK_VOICE_BY_LANGUAGE: Readonly<Record<Language, string>> = {
  zh: 'cmn-latn-pinyin',
  en: 'en-us',
};

/** Text rendered while fitting a profile: long enough (~4 s) for stable pitch statistics. */
export const CALIBRATION_TEXT_BY_LANGUAGE: Readonly<Record<Language, string>> = {
  zh: 'jin1 tian1 tian1 qi4 hen3 hao3, wo3 men5 qu4 gong1 yuan2 san4 bu4 ba5. ni3 xiang3 he1 cha2 hai2 shi4 he1 ka1 fei1?',
  en: 'The quick brown fox jumps over the lazy dog. We were all very happy to see you again today, were you not?',
};
