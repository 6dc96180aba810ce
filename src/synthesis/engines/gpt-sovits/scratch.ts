import { chinesePhones } from './ChineseG2p.ts';
import { englishPhones } from './EnglishG2p.ts';
import { PinyinConverter } from '../../../text/PinyinConverter.ts';
const pc = new PinyinConverter();
const zh = ['你好，世界！','我很好。','展览馆','小孩儿玩儿','朋友们来了吧','老虎很勇敢','我们去买雨伞','谢谢你','这是一个好主意','女儿','所有人','银行行长说我们行不行','不要走','一起去吧','主播好厉害','今天天气怎么样？','哥哥在看书','我想你了','这个点儿','给我一点儿时间','水果很甜','你吃饭了吗？','他跑得很快','桌子上有本书','五百块','他们在唱歌呢','鼓掌','勇敢的人','请问厕所在哪儿？','可以吗'];
for (const t of zh) { const p = pc.convert(t); console.log(JSON.stringify([t, p, chinesePhones(t, p).join(' ')])); }
const en = ['Hello, world!','The streamer\'s cat.','Good game, well played!','I can\'t believe it...','Thank you so much!','What is going on?','Nice shot','The fox jumps over the lazy dog.','Let\'s go!','She sells seashells.','This is amazing','Chat, say hi!','He\'s here','Where are you from?','Subscribe now!','ok','Zorblax is cool','my friend\'s house'];
for (const t of en) console.log(JSON.stringify([t, englishPhones(t).join(' ')]));
