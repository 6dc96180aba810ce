import { createHash } from 'node:crypto';

/** The first 32 entries of Bilibili's public WBI permutation table: only they reach the 32-character mixin key. */
const MIXIN_KEY_ORDER = [46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13];

/** `https://…/bfs/wbi/7cd08….png` → `7cd08…`: the keys are the file-name stems of the nav response's images. */
export function wbiKeyFromUrl(url: string): string {
  const name = url.slice(url.lastIndexOf('/') + 1);
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}

export function wbiMixinKey(imgKey: string, subKey: string): string {
  const raw = imgKey + subKey;
  return MIXIN_KEY_ORDER.map((index) => raw[index] ?? '').join('');
}

/** encodeURIComponent plus the characters it leaves alone that Bilibili's signer encodes too. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Adds `wts` and `w_rid` to query parameters the way Bilibili's web pages do (required on getDanmuInfo since
 * 2025-05; a missing or wrong signature is answered with code -352).
 */
export function signWbi(params: Record<string, string | number>, mixinKey: string, nowSeconds: number): Record<string, string> {
  const all: Record<string, string> = { ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v).replace(/[!'()*]/g, '')])), wts: String(nowSeconds) };
  const query = Object.keys(all)
    .sort()
    .map((key) => `${encode(key)}=${encode(all[key]!)}`)
    .join('&');
  const wRid = createHash('md5').update(query + mixinKey).digest('hex');
  return { ...all, w_rid: wRid };
}
