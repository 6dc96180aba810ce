import { chatSlangDictionary } from './ChatSlang.ts';
import { normalizeChinese } from './ChineseNormalizer.ts';
import { EmojiReader, type EmojiMode } from './EmojiReader.ts';
import { normalizeEnglish } from './EnglishNormalizer.ts';
import { readLinks } from './LinkReader.ts';
import { PinyinConverter } from './PinyinConverter.ts';
import type { PronunciationDictionary } from './PronunciationDictionary.ts';
import { RepeatedCharacterCap, type RepeatedCharacterCapOptions } from './RepeatedCharacterCap.ts';
import { splitScripts, type ScriptRun } from './ScriptSplitter.ts';
import { SentenceSplitter } from './SentenceSplitter.ts';
import { sanitizeText } from './TextSanitizer.ts';
import { truncateText } from './TextTruncator.ts';
import type { Language, Sentence, TextPart } from './TextPart.ts';

export interface TextFrontEndOptions {
  /** Longest message read, in characters; longer text is cut at a sentence or word boundary. Default 200. */
  readonly maxCharacters?: number;
  /** User pronunciation overrides, applied before anything else. */
  readonly dictionary?: PronunciationDictionary;
  /** Say emoji by name ('name', default) or skip them ('drop'). */
  readonly emoji?: EmojiMode;
  /** Language for text with no letters at all ("666", "???"). Default 'zh'. */
  readonly defaultLanguage?: Language;
  /** Caps on repeated characters ("哈哈哈哈哈哈" → "哈哈哈哈"). */
  readonly repeats?: RepeatedCharacterCapOptions;
  /** Read Chinese chat abbreviations (yyds, xswl, …) as their phrases, after the user dictionary. Default true. */
  readonly chatSlang?: boolean;
}

/**
 * Raw input is cut to this multiple of maxCharacters before any work, so a 100 000-character flood costs
 * no more than a long message. Generous because the repeat cap shrinks floods after this point.
 */
const RAW_INPUT_FACTOR = 20;

/**
 * The text front end: turns one raw chat message into sentences of normalised, per-language text with
 * pinyin for Mandarin. Never throws on user input; hostile text is cleaned or dropped.
 *
 * Order: sanitise → dictionary → chat slang → links → emoji → repeat cap → length cap → script split →
 * per-language normalisation → sentence split → pinyin.
 */
export class TextFrontEnd {
  readonly maxCharacters: number;
  readonly defaultLanguage: Language;
  readonly #dictionary: PronunciationDictionary | undefined;
  readonly #slang: PronunciationDictionary | undefined;
  readonly #emoji: EmojiReader;
  readonly #repeats: RepeatedCharacterCap;
  readonly #sentences = new SentenceSplitter();
  readonly #pinyin = new PinyinConverter();

  constructor(options: TextFrontEndOptions = {}) {
    this.maxCharacters = Math.max(1, Math.floor(options.maxCharacters ?? 200));
    this.defaultLanguage = options.defaultLanguage ?? 'zh';
    this.#dictionary = options.dictionary;
    this.#slang = options.chatSlang === false ? undefined : chatSlangDictionary();
    this.#emoji = new EmojiReader(options.emoji ?? 'name');
    this.#repeats = new RepeatedCharacterCap(options.repeats);
  }

  process(text: string): Sentence[] {
    return this.#sentenceRuns(text).map((parts) => ({ parts: parts.map((part) => this.#toTextPart(part)) }));
  }

  /**
   * Whether anything of `text` would be read: `process` without the pinyin, the costly part (chat policy
   * asks this of the message a template wraps, then processes the filled template).
   */
  hasReadableText(text: string): boolean {
    return this.#sentenceRuns(text).length > 0;
  }

  /** Cleaning, normalisation and sentence splitting: everything but the pinyin. Empty sentences are dropped. */
  #sentenceRuns(text: string): ScriptRun[][] {
    const raw = typeof text === 'string' ? text : String(text ?? '');
    let clean = sanitizeText(truncateText(raw.slice(0, this.maxCharacters * RAW_INPUT_FACTOR * 2), this.maxCharacters * RAW_INPUT_FACTOR));
    if (this.#dictionary) clean = this.#dictionary.apply(clean);
    if (this.#slang) clean = this.#slang.apply(clean);
    clean = readLinks(clean, this.defaultLanguage);
    clean = this.#emoji.read(clean, this.defaultLanguage);
    clean = this.#repeats.apply(clean);
    clean = truncateText(clean, this.maxCharacters);

    return this.#sentences.split(this.normalise(clean)).filter((parts) => parts.length > 0);
  }

  /** Script split and per-language normalisation; exposed for tests and tools that want text without pinyin. */
  normalise(text: string): ScriptRun[] {
    const out: ScriptRun[] = [];
    const push = (run: ScriptRun): void => {
      const last = out.at(-1);
      if (last && last.language === run.language) out[out.length - 1] = { language: last.language, text: last.text + run.text };
      else out.push(run);
    };
    for (const run of splitScripts(text, this.defaultLanguage)) {
      if (run.language === 'en') {
        push({ language: 'en', text: normalizeEnglish(run.text) });
        continue;
      }
      // Latin left in a Chinese run after normalisation (units like GB) is read by the English voice.
      for (const inner of splitScripts(normalizeChinese(run.text), 'zh')) {
        push(inner.language === 'en' ? { language: 'en', text: normalizeEnglish(inner.text) } : inner);
      }
    }
    return out;
  }

  #toTextPart(run: ScriptRun): TextPart {
    if (run.language !== 'zh') return { language: run.language, text: run.text };
    return { language: 'zh', text: run.text, pinyin: this.#pinyin.convert(run.text) };
  }
}
