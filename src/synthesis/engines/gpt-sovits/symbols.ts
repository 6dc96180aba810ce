/*
 * The GPT-SoVITS v2 phone symbol table (732 ids). Ids 0–321 are the v1 table: the sorted set of the pad,
 * the Mandarin initials and toned finals, the Japanese phones, the punctuation and the ARPAbet phones;
 * then "[" and "]" (322, 323); then 408 Korean and Cantonese symbols that this front end never emits, so
 * they are not listed here. Sorting is by code point, which JS's default sort reproduces for these
 * (all in the BMP).
 */

const INITIALS = 'AA EE OO b c ch d f g h j k l m n p q r s sh t w x y z zh'.split(' ');
export const FINALS = 'E En a ai an ang ao e ei en eng er i i0 ia ian iang iao ie in ing iong ir iu o ong ou u ua uai uan uang ui un uo v van ve vn'.split(' ');
const JAPANESE = 'I N U a b by ch cl d dy e f g gy h hy i j k ky m my n ny o p py r ry s sh t ts u v w y z'.split(' ');
export const PUNCTUATION = ['!', '?', '…', ',', '.', '-'] as const;
const SPECIAL = ['SP', 'SP2', 'SP3', 'UNK'];
export const ARPABET = new Set(
  ('AA0 AA1 AA2 AE0 AE1 AE2 AH0 AH1 AH2 AO0 AO1 AO2 AW0 AW1 AW2 AY0 AY1 AY2 B CH D DH EH0 EH1 EH2 ER ER0 ER1 ER2 ' +
    'EY0 EY1 EY2 F G HH IH IH0 IH1 IH2 IY0 IY1 IY2 JH K L M N NG OW0 OW1 OW2 OY0 OY1 OY2 P R S SH T TH UH0 UH1 UH2 ' +
    'UW0 UW1 UW2 V W Y Z ZH').split(' '),
);

const v1 = [...new Set(['_', ...INITIALS, ...FINALS.flatMap((f) => [1, 2, 3, 4, 5].map((t) => `${f}${t}`)), ...JAPANESE, ...PUNCTUATION, ...SPECIAL, ...ARPABET])].sort();

/** The symbols this front end can emit, in id order (ids 0–323 of the v2 table). */
export const SYMBOLS: readonly string[] = [...v1, '[', ']'];
/** Size of the full v2 table (the phone embedding has this many rows). */
export const V2_SYMBOL_COUNT = 732;

const IDS = new Map(SYMBOLS.map((s, i) => [s, i]));
export const UNK_ID = IDS.get('UNK')!;

export function isSymbol(phone: string): boolean {
  return IDS.has(phone);
}

/** Phone → id; unknown phones become UNK, as in GPT-SoVITS's cleaner. */
export function phoneId(phone: string): number {
  return IDS.get(phone) ?? UNK_ID;
}

export function phonesToIds(phones: readonly string[]): Int32Array {
  return Int32Array.from(phones, phoneId);
}
