/** `[doge]`, `[热词系列_一直都在]`, `[dog_笑]`: Bilibili's inline emoticon tokens. */
const EMOTICON = /\[([^[\]\s]{1,24})\]/g;

/**
 * Inline emoticons read by name (`[doge]` → `doge`, `[热词系列_一直都在]` → `一直都在`) or dropped. Applied to
 * every bracketed token, since the Open Platform does not say which tokens are emoticons.
 */
export function readEmoticons(text: string, mode: 'name' | 'drop'): string {
  return text.replace(EMOTICON, (_token, inner: string) => {
    if (mode === 'drop') return '';
    const name = inner.slice(inner.lastIndexOf('_') + 1);
    return name === '' ? '' : ` ${name} `;
  }).replace(/\s{2,}/g, ' ').trim();
}
