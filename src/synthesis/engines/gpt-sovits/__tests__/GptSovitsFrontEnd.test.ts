import { describe, expect, it } from 'vitest';
import type { Sentence } from '../../../../text/TextPart.ts';
import { chinesePhones, syllableToPhones } from '../ChineseG2p.ts';
import { englishPhones, letterToSound } from '../EnglishG2p.ts';
import { sentenceToModelText, transcriptToModelText } from '../GptSovitsFrontEnd.ts';
import { phoneId, SYMBOLS, UNK_ID } from '../symbols.ts';

/*
 * Expected phones written from the documented GPT-SoVITS v2 rules (docs/gpt-sovits-onnx.md §3.3–3.4):
 * [initial, final+tone] per syllable with AA/EE/OO for zero initials, y/w initials, ir (zhi chi shi ri),
 * i0 (zi ci si), v for ü; 3-3 sandhi in words (2+1: 2 2 3, 1+2: 3 2 3); neutral particles and suffixes;
 * erhua taking the previous tone; ARPAbet with stress for English.
 * Chinese input is (text, pinyin as the text front end hands it over).
 */
const CHINESE: ReadonlyArray<readonly [text: string, pinyin: string, phones: string]> = [
  ["你好，世界！", "ni3 hao3, shi4 jie4!", "n i2 h ao3 , sh ir4 j ie4 !"],
  ["我很好。", "wo3 hen3 hao3.", "w uo3 h en2 h ao3 ."],
  ["展览馆", "zhan3 lan3 guan3", "zh an2 l an2 g uan3"],
  ["小孩儿玩儿", "xiao3 hai2 er2 wan2 er2", "x iao3 h ai2 EE er2 w uan2 EE er2"],
  ["朋友们来了吧", "peng2 you5 men5 lai2 le5 ba5", "p eng2 y iu5 m en5 l ai2 l e5 b a5"],
  ["老虎很勇敢", "lao3 hu3 hen3 yong3 gan3", "l ao2 h u2 h en3 y iong2 g an3"],
  ["我们去买雨伞", "wo3 men5 qu4 mai3 yu3 san3", "w uo3 m en5 q v4 m ai3 y v2 s an3"],
  ["谢谢你", "xie4 xie5 ni3", "x ie4 x ie5 n i3"],
  ["这是一个好主意", "zhe4 shi4 yi2 ge4 hao3 zhu3 yi4", "zh e4 sh ir4 y i2 g e4 h ao2 zh u3 y i4"],
  ["女儿", "nv3 er2", "n v3 EE er2"],
  ["所有人", "suo3 you3 ren2", "s uo2 y iu3 r en2"],
  ["银行行长说我们行不行", "yin2 hang2 hang2 zhang3 shuo1 wo3 men5 xing2 bu5 xing2", "y in2 h ang2 h ang2 zh ang3 sh uo1 w uo3 m en5 x ing2 b u5 x ing2"],
  ["不要走", "bu2 yao4 zou3", "b u2 y iao4 z ou3"],
  ["一起去吧", "yi4 qi3 qu4 ba5", "y i4 q i3 q v4 b a5"],
  ["主播好厉害", "zhu3 bo1 hao3 li4 hai4", "zh u3 b o1 h ao3 l i4 h ai4"],
  ["今天天气怎么样？", "jin1 tian1 tian1 qi4 zen3 me5 yang4?", "j in1 t ian1 t ian1 q i4 z en3 m e5 y iang4 ?"],
  ["哥哥在看书", "ge1 ge5 zai4 kan4 shu1", "g e1 g e5 z ai4 k an4 sh u1"],
  ["我想你了", "wo3 xiang3 ni3 le5", "w uo2 x iang2 n i3 l e5"],
  ["这个点儿", "zhe4 ge5 dian3 er2", "zh e4 g e5 d ian3 EE er3"],
  ["给我一点儿时间", "gei3 wo3 yi4 dian3 er2 shi2 jian1", "g ei2 w uo3 y i4 d ian3 EE er3 sh ir2 j ian1"],
  ["水果很甜", "shui3 guo3 hen3 tian2", "sh ui2 g uo3 h en3 t ian2"],
  ["你吃饭了吗？", "ni3 chi1 fan4 le5 ma5?", "n i3 ch ir1 f an4 l e5 m a5 ?"],
  ["他跑得很快", "ta1 pao3 de5 hen3 kuai4", "t a1 p ao3 d e5 h en3 k uai4"],
  ["桌子上有本书", "zhuo1 zi5 shang4 you3 ben3 shu1", "zh uo1 z i05 sh ang4 y iu3 b en3 sh u1"],
  ["五百块", "wu3 bai3 kuai4", "w u2 b ai3 k uai4"],
  ["他们在唱歌呢", "ta1 men5 zai4 chang4 ge1 ne5", "t a1 m en5 z ai4 ch ang4 g e1 n e5"],
  ["鼓掌", "gu3 zhang3", "g u2 zh ang3"],
  ["勇敢的人", "yong3 gan3 de5 ren2", "y iong2 g an3 d e5 r en2"],
  ["请问厕所在哪儿？", "qing3 wen4 ce4 suo3 zai4 na3 er2?", "q ing3 w un4 c e4 s uo3 z ai4 n a3 EE er3 ?"],
  ["可以吗", "ke3 yi3 ma5", "k e2 y i3 m a5"],
];

const ENGLISH: ReadonlyArray<readonly [text: string, phones: string]> = [
  ["Hello, world!", "HH AH0 L OW1 , W ER1 L D !"],
  ["The streamer's cat.", "DH AH0 S T R IY1 M ER0 Z K AE1 T ."],
  ["Good game, well played!", "G UH1 D G EY1 M , W EH1 L P L EY1 D !"],
  ["I can't believe it...", "AY1 K AE1 N T B IH0 L IY1 V IH1 T \u2026"],
  ["Thank you so much!", "TH AE1 NG K Y UW1 S OW1 M AH1 CH !"],
  ["What is going on?", "W AH1 T IH1 Z G OW1 IH0 NG AA1 N ?"],
  ["Nice shot", "N AY1 S SH AA1 T"],
  ["The fox jumps over the lazy dog.", "DH AH0 F AA1 K S JH AH1 M P S OW1 V ER0 DH AH0 L EY1 Z IY0 D AO1 G ."],
  ["Let's go!", "L EH1 T S G OW1 !"],
  ["She sells seashells.", "SH IY1 S EH1 L Z S IY1 SH EH2 L Z ."],
  ["This is amazing", "DH IH1 S IH1 Z AH0 M EY1 Z IH0 NG"],
  ["Chat, say hi!", "CH AE1 T , S EY1 HH AY1 !"],
  ["He's here", "HH IY1 Z HH IY1 R"],
  ["Where are you from?", "W EH1 R AA1 R Y UW1 F R AH1 M ?"],
  ["Subscribe now!", "S AH0 B S K R AY1 B N AW1 !"],
  ["ok", "OW1 K EY1"],
  ["Zorblax is cool", "Z AO1 R B L AE0 K S IH1 Z K UW1 L"],
  ["my friend's house", "M AY1 F R EH1 N D Z HH AW1 S"],
];

const zh = (text: string, pinyin?: string) => ({ language: 'zh' as const, text, ...(pinyin === undefined ? {} : { pinyin }) });
const en = (text: string) => ({ language: 'en' as const, text });

const MIXED: ReadonlyArray<readonly [sentence: Sentence, phones: string]> = [
  [{ parts: [zh('我喜欢', 'wo3 xi3 huan5'), en('Minecraft'), zh('！', '!')] }, 'w uo3 x i3 h uan5 M AY1 N K R AE2 F T !'],
  [{ parts: [en('OK'), zh('我们走吧', 'wo3 men5 zou3 ba5')] }, 'OW1 K EY1 w uo3 m en5 z ou3 b a5 .'],
  [{ parts: [zh('这个', 'zhe4 ge5'), en('bug'), zh('太好笑了', 'tai4 hao3 xiao4 le5')] }, 'zh e4 g e5 B AH1 G t ai4 h ao3 x iao4 l e5 .'],
  [{ parts: [en('Hello'), zh('，大家好', ', da4 jia1 hao3')] }, 'HH AH0 L OW1 , d a4 j ia1 h ao3 .'],
  [{ parts: [zh('主播', 'zhu3 bo1'), en('GG')] }, 'zh u3 b o1 JH IY1 JH IY1 .'],
  [{ parts: [zh('你的', 'ni3 de5'), en("streamer's"), zh('猫', 'mao1')] }, 'n i3 d e5 S T R IY1 M ER0 Z m ao1 .'],
  [{ parts: [en('Thank you'), zh('，谢谢！', ', xie4 xie5!')] }, 'TH AE1 NG K Y UW1 , x ie4 x ie5 !'],
  [{ parts: [zh('我用', 'wo3 yong4'), en('Python'), zh('写代码', 'xie3 dai4 ma3')] }, 'w uo3 y iong4 P AY1 TH AA0 N x ie3 d ai4 m a3 .'],
  [{ parts: [en('wow'), zh('好', 'hao3')] }, '. W AW1 h ao3 .'],
  [{ parts: [zh('买了', 'mai3 le5'), en('iPhone'), zh('吗？', 'ma5?')] }, 'm ai3 l e5 AY1 F OW1 N m a5 ?'],
  [{ parts: [zh('再见', 'zai4 jian4'), en('bye bye!')] }, 'z ai4 j ian4 B AY1 B AY1 !'],
  [{ parts: [en('Chat'), zh('，你们好！', ', ni3 men5 hao3!')] }, 'CH AE1 T , n i3 m en5 h ao3 !'],
];

describe('GPT-SoVITS v2 symbol table', () => {
  it('has the documented anchor ids', () => {
    const anchors: Record<string, number> = { '!': 0, ',': 1, '-': 2, '.': 3, '?': 4, AA: 5, EE: 33, OO: 66, SP: 77, SP2: 78, SP3: 79, UNK: 86, _: 95, a1: 97, '…': 321, '[': 322, ']': 323 };
    for (const [symbol, id] of Object.entries(anchors)) expect(phoneId(symbol)).toBe(id);
    expect(SYMBOLS.length).toBe(324);
    expect(phoneId('not-a-phone')).toBe(UNK_ID);
  });
});

describe('Chinese g2p', () => {
  it.each(CHINESE)('%s', (text, pinyin, phones) => {
    const out = chinesePhones(text, pinyin);
    expect(out.join(' ')).toBe(phones);
    for (const phone of out) expect(phoneId(phone)).not.toBe(UNK_ID);
  });

  it('reads the text with pinyin-pro when no pinyin is given', () => {
    expect(chinesePhones('你好').join(' ')).toBe('n i2 h ao3');
    expect(chinesePhones('重庆').join(' ')).toBe('ch ong2 q ing4');
  });

  it('maps syllables to opencpop phones', () => {
    const cases: Record<string, string> = { a1: 'AA a1', e4: 'EE e4', ou3: 'OO ou3', er2: 'EE er2', yi1: 'y i1', wu3: 'w u3', yu2: 'y v2', yuan2: 'y van2', yue4: 'y ve4', yun2: 'y vn2', you3: 'y iu3', wei4: 'w ui4', wen2: 'w un2', weng1: 'w eng1', zhi1: 'zh ir1', ri4: 'r ir4', zi3: 'z i03', si1: 's i01', ju4: 'j v4', quan2: 'q van2', xue2: 'x ve2', lv4: 'l v4', nve4: 'n ve4', lue4: 'l ve4', gui4: 'g ui4', liu2: 'l iu2', lun2: 'l un2', zhuang4: 'zh uang4' };
    for (const [syllable, phones] of Object.entries(cases)) expect(syllableToPhones(syllable)?.join(' ')).toBe(phones);
    expect(syllableToPhones('hm5')).toBeNull();
  });
});

describe('English g2p', () => {
  it.each(ENGLISH)('%s', (text, phones) => {
    const out = englishPhones(text);
    expect(out.join(' ')).toBe(phones);
    for (const phone of out) expect(phoneId(phone)).not.toBe(UNK_ID);
  });

  it('falls back to letter-to-sound rules for unknown words', () => {
    expect(letterToSound('blorpish')).toEqual(['B', 'L', 'AO1', 'R', 'P', 'IH0', 'SH']);
    expect(letterToSound('tabe')).toEqual(['T', 'EY1', 'B']);
    expect(letterToSound('shmeek')).toEqual(['SH', 'M', 'IY1', 'K']);
  });
});

describe('mixed sentences', () => {
  it.each(MIXED)('%#', (sentence, phones) => {
    const text = sentenceToModelText(sentence);
    expect(text.phones.join(' ')).toBe(phones);
    expect(Array.from(text.ids)).toEqual(text.phones.map(phoneId));
  });

  it('splits a transcript into Chinese and English runs', () => {
    expect(transcriptToModelText('大家好，我是Alice。', 'zh').phones.join(' ')).toBe('d a4 j ia1 h ao3 , w uo3 sh ir4 AE1 L AH0 S .');
  });
});
