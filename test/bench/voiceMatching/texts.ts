/** Test texts (≥ 30 s of speech each) the benchmark renders in every voice. */

/** IEEE "Harvard" sentences, lists 1 and 2: phonetically balanced English. */
export const ENGLISH_TEST_TEXT: readonly string[] = [
  'The birch canoe slid on the smooth planks.',
  'Glue the sheet to the dark blue background.',
  "It's easy to tell the depth of a well.",
  'These days a chicken leg is a rare dish.',
  'Rice is often served in round bowls.',
  'The juice of lemons makes fine punch.',
  'The box was thrown beside the parked truck.',
  'The hogs were fed chopped corn and garbage.',
  'Four hours of steady work faced us.',
  'A large size in stockings is hard to sell.',
  'The boy was there when the sun rose.',
  'A rod is used to catch pink salmon.',
  'The source of the huge river is the clear spring.',
  'Kick the ball straight and follow through.',
  'Help the woman get back to her feet.',
  'A pot of tea helps to pass the evening.',
  'Smoky fires lack flame and heat.',
  'The soft cushion broke the man\'s fall.',
  'The salt breeze came across from the sea.',
  'The girl at the booth sold fifty bonds.',
];

/** Everyday Mandarin as a viewer might type it (written for this benchmark). */
export const MANDARIN_TEST_TEXT: readonly string[] = [
  '今天天气很好，我们去公园散步吧。',
  '主播晚上好，今天打算玩什么游戏？',
  '我刚下班回家，正好赶上你的直播。',
  '这首歌真好听，能不能再放一遍？',
  '明天下午三点我们一起去图书馆看书。',
  '你喜欢喝茶还是喝咖啡？我更喜欢绿茶。',
  '刚才那一波操作太厉害了，我都看呆了。',
  '周末我想去海边走走，顺便吃点海鲜。',
  '谢谢大家的礼物，我们下次再见。',
  '这家饭馆的面条又便宜又好吃。',
  '火车站离这里不远，走路十分钟就到了。',
  '我的猫今天早上把花瓶打碎了。',
];
