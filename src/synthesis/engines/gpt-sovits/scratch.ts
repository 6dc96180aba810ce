import { chinesePhones, chineseSyllables } from './ChineseG2p.ts';
for (const t of ['我很好。', '你好，世界！', '展览馆', '小孩儿玩儿', '朋友们来了吧', '老虎很勇敢', '我们去买雨伞', '谢谢你', '这是一个好主意', '女儿','好喜欢','所有人','雨伞','一会儿']) console.log(t, chineseSyllables(t).map(s=>s.pinyin).join(' '), '|', chinesePhones(t).join(' '));
