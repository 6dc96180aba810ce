import { PronunciationDictionary } from './PronunciationDictionary.ts';

/**
 * Chinese chat abbreviations written in Latin letters, read as the phrase they stand for. Without this
 * table espeak spells "yyds" as English letters, which no viewer would say. The streamer's own dictionary
 * is applied first, so any entry here can be overridden.
 */
export const CHAT_SLANG: Readonly<Record<string, string>> = {
  yyds: '永远的神',
  xswl: '笑死我了',
  awsl: '啊我死了',
  u1s1: '有一说一',
  yygq: '阴阳怪气',
  zqsg: '真情实感',
  bdjw: '不懂就问',
  dbq: '对不起',
  plmm: '漂亮妹妹',
  xjj: '小姐姐',
  nsdd: '你说得对',
  srds: '虽然但是',
  emo: '抑郁',
  nb: '牛啊',
  orz: '跪了',
};

export function chatSlangDictionary(): PronunciationDictionary {
  return new PronunciationDictionary(CHAT_SLANG);
}
