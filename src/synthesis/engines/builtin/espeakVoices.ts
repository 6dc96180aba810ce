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

/**
 * Text rendered in the closed pitch loop (~12 s): statements, questions, lists and an exclamation, so the
 * fitted median and range hold for chat-length text too (a single 4 s sentence fitted its own intonation,
 * which missed the median of longer text by over a semitone for half the voices).
 */
export const CALIBRATION_TEXT_BY_LANGUAGE: Readonly<Record<Language, string>> = {
  zh:
    'jin1 tian1 tian1 qi4 hen3 hao3, wo3 men5 qu4 gong1 yuan2 san4 bu4 ba5. ni3 xiang3 he1 cha2 hai2 shi4 he1 ka1 fei1? ' +
    'zhu3 bo1 wan3 shang4 hao3! ming2 tian1 xia4 wu3 san1 dian3, wo3 men5 yi4 qi3 qu4 tu2 shu1 guan3 kan4 shu1. ' +
    'zhe4 shou3 ge1 zhen1 hao3 ting1, neng2 bu4 neng2 zai4 fang4 yi2 bian4?',
  en:
    'The quick brown fox jumps over the lazy dog. We were all very happy to see you again today, were you not? ' +
    'Hello chat! Tomorrow at three we will play two new games, read your messages, and answer a few questions. ' +
    'Could you play that song one more time, please?',
};

/**
 * Longer text (~10 s) rendered once the pitch is fitted, to measure the voice's long-term spectrum for the
 * EQ: more varied phones than the pitch calibration, so the spectrum reflects the voice more than the words.
 */
export const SPECTRUM_CALIBRATION_TEXT_BY_LANGUAGE: Readonly<Record<Language, string>> = {
  zh:
    'da4 jia1 wan3 shang4 hao3, huan1 ying2 lai2 dao4 wo3 de5 zhi2 bo1 jian1. jin1 tian1 wo3 men5 yi4 qi3 wan2 you2 xi4, ' +
    'liao2 liao2 zui4 jin4 de5 xin1 wen2. ru2 guo3 ni3 xi3 huan1, qing3 dian3 zan4 he2 guan1 zhu4, xie4 xie4 da4 jia1 de5 zhi1 chi2.',
  en:
    'Good evening everyone, and welcome back to the stream. Tonight we are going to play for a few hours, read your messages, ' +
    'and maybe try something new. If you enjoy the show, please follow the channel. Thank you all so much for your support.',
};
