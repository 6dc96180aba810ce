/**
 * Removes characters that must never reach a voice: control characters, bidirectional overrides,
 * zero-width characters, lone surrogates, private-use and non-characters. Zero-width joiner and
 * variation selectors are kept (emoji sequences need them); the emoji reader removes what is left.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const BIDI_AND_INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF0-\uFFFB]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const PRIVATE_USE_AND_NONCHARACTERS = /[\uE000-\uF8FF\uFDD0-\uFDEF\uFFFE\uFFFF\u{F0000}-\u{10FFFF}]/gu;
/** Combining marks stacked on one letter ("Zalgo" text): keep at most two per base character. */
const MARK_STACK = /(\p{M}{2})\p{M}+/gu;

/** Fullwidth Latin letters and digits typed with a Chinese IME → ASCII, so normalisers recognise them. */
function foldFullwidthAlphanumerics(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF04\uFF05\uFF0B\uFF1D\uFF20\uFF0E]/g, (char) =>
    String.fromCharCode(char.charCodeAt(0) - 0xfee0),
  );
}

export function sanitizeText(input: string): string {
  return foldFullwidthAlphanumerics(
    input
      .replace(LONE_SURROGATE, '')
      .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
      .replace(/\t/g, ' ')
      .replace(CONTROL, '')
      .replace(BIDI_AND_INVISIBLE, '')
      .replace(PRIVATE_USE_AND_NONCHARACTERS, '')
      .replace(MARK_STACK, '$1')
      .replace(/\u3000/g, ' '),
  );
}
