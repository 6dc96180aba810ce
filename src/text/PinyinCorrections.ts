/**
 * Words pinyin-pro 3.29 reads wrongly in chat, with the right toned pinyin (one syllable per character,
 * neutral tone 5). Found by probing common chat phrases; each entry is a word, not a single character,
 * so it only fires in the context where the reading is certain.
 */
export const PINYIN_CORRECTIONS: Readonly<Record<string, string>> = {
  // 还 = give back (huán), not "still" (hái).
  还钱: 'huan2 qian2',
  还债: 'huan2 zhai4',
  还款: 'huan2 kuan3',
  还清: 'huan2 qing1',
  还书: 'huan2 shu1',
  还给: 'huan2 gei3',
  归还: 'gui1 huan2',
  偿还: 'chang2 huan2',
  // 得 = must (děi) before a verb of going/doing.
  得去: 'dei3 qu4',
  得走: 'dei3 zou3',
  得睡: 'dei3 shui4',
  得买: 'dei3 mai3',
  // 得 as the complement particle (de, neutral).
  长得: 'zhang3 de5',
  说得: 'shuo1 de5',
  看得: 'kan4 de5',
  玩得: 'wan2 de5',
  唱得: 'chang4 de5',
  打得: 'da3 de5',
  做得: 'zuo4 de5',
  写得: 'xie3 de5',
  跑得: 'pao3 de5',
  画得: 'hua4 de5',
  讲得: 'jiang3 de5',
  // Common words whose second syllable is neutral in speech.
  谢谢: 'xie4 xie5',
  朋友: 'peng2 you5',
  东西: 'dong1 xi5',
  东西南北: 'dong1 xi1 nan2 bei3',
  // 倒 = pour (dào), not fall (dǎo).
  倒杯: 'dao4 bei1',
  倒水: 'dao4 shui3',
  倒茶: 'dao4 cha2',
  // Others.
  干嘛: 'gan4 ma2',
  干啥: 'gan4 sha2',
  背包: 'bei4 bao1',
  差不多: 'cha4 bu5 duo1',
  对不起: 'dui4 bu5 qi3',
  了不起: 'liao3 bu5 qi3',
  看不起: 'kan4 bu5 qi3',
  睡着: 'shui4 zhao2',
};
