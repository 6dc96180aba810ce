import { languageAround } from './LanguageContext.ts';
import type { Language } from './TextPart.ts';

const URL = /\b(?:https?:\/\/|www\.)[^\s<>"'，。！？、；：）」』】]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|io|tv|gg|me|co|app|dev|xyz|top|cc)(?:\/[^\s<>"'，。！？、；：）」』】]*)?(?![\w.])/giu;
const EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/gu;
/** @name and #tag (Bilibili also writes topics as #话题#). Handles are letters, digits, _ and -. */
const MENTION = /(^|[^\w@])@([\p{L}\p{N}_-]{1,40})/gu;
const HASHTAG = /#([\p{L}\p{N}_]{1,60})#?/gu;

const WORDS: Readonly<Record<Language, { readonly link: string; readonly email: string }>> = {
  zh: { link: '链接', email: '邮箱' },
  en: { link: 'link', email: 'email address' },
};

/** Makes a handle speakable: "cool_guy_99" → "cool guy 99". */
function speakableHandle(handle: string): string {
  return handle.replace(/[_-]+/g, ' ').trim();
}

/**
 * Replaces links with the word "link" (链接) in the surrounding language, and keeps @mentions and #hashtags
 * readable by dropping the sigils and underscores. Nobody wants a URL spelled out on stream.
 */
export function readLinks(text: string, fallback: Language): string {
  const replaceWithWord = (pattern: RegExp, word: 'link' | 'email') => (input: string): string =>
    input.replace(pattern, (match: string, ...rest: unknown[]) => {
      const offset = rest.find((value) => typeof value === 'number') ?? 0;
      const language = languageAround(input, offset, offset + match.length, fallback);
      const spoken = WORDS[language][word];
      return language === 'en' ? ` ${spoken} ` : spoken;
    });
  let out = replaceWithWord(EMAIL, 'email')(text);
  out = replaceWithWord(URL, 'link')(out);
  out = out.replace(MENTION, (_m, lead: string, handle: string) => `${lead}${speakableHandle(handle)} `);
  out = out.replace(HASHTAG, (_m, tag: string) => `${speakableHandle(tag)} `);
  return out.replace(/ {2,}/g, ' ');
}
