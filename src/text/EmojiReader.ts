import { languageAround } from './LanguageContext.ts';
import type { Language } from './TextPart.ts';

export type EmojiMode = 'name' | 'drop';

/** The emoji viewers use most in chat, with the short name a person would say in each language. */
const EMOJI_NAMES: Readonly<Record<string, { readonly zh: string; readonly en: string }>> = {
  '😂': { zh: '笑哭', en: 'tears of joy' },
  '🤣': { zh: '笑到打滚', en: 'rolling on the floor laughing' },
  '😀': { zh: '笑脸', en: 'grin' },
  '😃': { zh: '笑脸', en: 'smile' },
  '😄': { zh: '大笑', en: 'big smile' },
  '😁': { zh: '嘿嘿', en: 'grin' },
  '😆': { zh: '哈哈', en: 'laughing' },
  '😅': { zh: '尴尬', en: 'sweat smile' },
  '😊': { zh: '微笑', en: 'smile' },
  '🙂': { zh: '微笑', en: 'slight smile' },
  '😉': { zh: '眨眼', en: 'wink' },
  '😍': { zh: '花痴', en: 'heart eyes' },
  '🥰': { zh: '爱你', en: 'love' },
  '😘': { zh: '飞吻', en: 'kiss' },
  '😋': { zh: '好吃', en: 'yum' },
  '😎': { zh: '酷', en: 'cool' },
  '🤔': { zh: '思考', en: 'thinking' },
  '🤨': { zh: '怀疑', en: 'suspicious' },
  '😐': { zh: '无语', en: 'neutral face' },
  '😑': { zh: '无语', en: 'expressionless' },
  '🙄': { zh: '白眼', en: 'eye roll' },
  '😏': { zh: '坏笑', en: 'smirk' },
  '😮': { zh: '哇', en: 'wow' },
  '😯': { zh: '哇', en: 'wow' },
  '😲': { zh: '震惊', en: 'astonished' },
  '😱': { zh: '惊恐', en: 'scream' },
  '😳': { zh: '脸红', en: 'flushed' },
  '🥺': { zh: '可怜', en: 'pleading' },
  '😢': { zh: '哭', en: 'crying' },
  '😭': { zh: '大哭', en: 'sobbing' },
  '😤': { zh: '哼', en: 'huff' },
  '😡': { zh: '生气', en: 'angry' },
  '😠': { zh: '生气', en: 'angry' },
  '🤬': { zh: '骂人', en: 'cursing' },
  '😴': { zh: '睡觉', en: 'sleeping' },
  '😪': { zh: '困', en: 'sleepy' },
  '🥱': { zh: '打哈欠', en: 'yawn' },
  '🤯': { zh: '炸裂', en: 'mind blown' },
  '🥵': { zh: '好热', en: 'hot' },
  '🥶': { zh: '好冷', en: 'cold' },
  '😷': { zh: '口罩', en: 'mask' },
  '🤡': { zh: '小丑', en: 'clown' },
  '💀': { zh: '骷髅', en: 'skull' },
  '👻': { zh: '鬼', en: 'ghost' },
  '🤗': { zh: '抱抱', en: 'hug' },
  '🤫': { zh: '嘘', en: 'shush' },
  '🤐': { zh: '闭嘴', en: 'zipped mouth' },
  '🤦': { zh: '捂脸', en: 'facepalm' },
  '🤷': { zh: '摊手', en: 'shrug' },
  '🙏': { zh: '拜托', en: 'please' },
  '👍': { zh: '点赞', en: 'thumbs up' },
  '👎': { zh: '踩', en: 'thumbs down' },
  '👏': { zh: '鼓掌', en: 'clap' },
  '🙌': { zh: '举手', en: 'hooray' },
  '👋': { zh: '挥手', en: 'wave' },
  '👌': { zh: '好的', en: 'okay' },
  '✌': { zh: '耶', en: 'peace' },
  '🤝': { zh: '握手', en: 'handshake' },
  '💪': { zh: '加油', en: 'strong' },
  '👀': { zh: '看看', en: 'eyes' },
  '🫡': { zh: '敬礼', en: 'salute' },
  '❤': { zh: '爱心', en: 'heart' },
  '🧡': { zh: '爱心', en: 'heart' },
  '💛': { zh: '爱心', en: 'heart' },
  '💚': { zh: '爱心', en: 'heart' },
  '💙': { zh: '爱心', en: 'heart' },
  '💜': { zh: '爱心', en: 'heart' },
  '🖤': { zh: '黑心', en: 'black heart' },
  '💔': { zh: '心碎', en: 'broken heart' },
  '💕': { zh: '爱心', en: 'hearts' },
  '💖': { zh: '爱心', en: 'sparkling heart' },
  '🔥': { zh: '火', en: 'fire' },
  '✨': { zh: '闪闪', en: 'sparkles' },
  '⭐': { zh: '星星', en: 'star' },
  '🌟': { zh: '星星', en: 'star' },
  '🎉': { zh: '庆祝', en: 'party' },
  '🎊': { zh: '庆祝', en: 'confetti' },
  '🎂': { zh: '蛋糕', en: 'birthday cake' },
  '🎁': { zh: '礼物', en: 'gift' },
  '🌹': { zh: '玫瑰', en: 'rose' },
  '💯': { zh: '一百分', en: 'hundred points' },
  '💩': { zh: '便便', en: 'poop' },
  '🐶': { zh: '狗头', en: 'dog' },
  '🐱': { zh: '猫猫', en: 'cat' },
  '🐷': { zh: '猪头', en: 'pig' },
  '🍉': { zh: '吃瓜', en: 'watermelon' },
  '🍋': { zh: '柠檬', en: 'lemon' },
  '☕': { zh: '咖啡', en: 'coffee' },
  '🍺': { zh: '干杯', en: 'beer' },
  '🎮': { zh: '游戏', en: 'game' },
  '🚀': { zh: '火箭', en: 'rocket' },
  '💰': { zh: '钱', en: 'money' },
  '✅': { zh: '对', en: 'check' },
  '❌': { zh: '错', en: 'cross' },
  '❓': { zh: '问号', en: 'question' },
  '❗': { zh: '感叹号', en: 'exclamation' },
  '⚡': { zh: '闪电', en: 'lightning' },
  '🌈': { zh: '彩虹', en: 'rainbow' },
  '🤖': { zh: '机器人', en: 'robot' },
  '👑': { zh: '皇冠', en: 'crown' },
  '🏆': { zh: '奖杯', en: 'trophy' },
  '🤦‍♂': { zh: '捂脸', en: 'facepalm' },
  '🤦‍♀': { zh: '捂脸', en: 'facepalm' },
  '🤷‍♂': { zh: '摊手', en: 'shrug' },
  '🤷‍♀': { zh: '摊手', en: 'shrug' },
  '❤‍🔥': { zh: '燃起来了', en: 'heart on fire' },
};

/**
 * One emoji "grapheme": a keycap, a flag (pair of regional indicators or a tag sequence), or a pictograph
 * with optional variation selector, skin-tone modifier and ZWJ-joined followers.
 */
const EMOJI_SEQUENCE = new RegExp(
  [
    String.raw`[0-9#*]\uFE0F?\u20E3`,
    String.raw`\p{Regional_Indicator}{1,2}`,
    String.raw`\p{Extended_Pictographic}[\uFE0E\uFE0F]?\p{Emoji_Modifier}?[\u{E0020}-\u{E007F}]*` +
      String.raw`(?:\u200D\p{Extended_Pictographic}[\uFE0E\uFE0F]?\p{Emoji_Modifier}?)*`,
    String.raw`\p{Emoji_Modifier}`,
  ].join('|'),
  'gu',
);

/** Stray joiners and selectors left behind once emoji are gone. */
const EMOJI_DEBRIS = /[\u200D\uFE0E\uFE0F\u20E3\u{E0000}-\u{E007F}]/gu;

/** The key used to look an emoji up: without variation selectors and skin tones. */
function lookupKey(sequence: string): string {
  return sequence.replace(/[\uFE0E\uFE0F\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/gu, '');
}

/** Replaces emoji with a short spoken name in the surrounding language, or drops them. */
export class EmojiReader {
  readonly mode: EmojiMode;

  constructor(mode: EmojiMode = 'name') {
    this.mode = mode;
  }

  /** The name of one emoji sequence in a language, or undefined when it has none (then it is dropped). */
  nameOf(sequence: string, language: Language): string | undefined {
    const key = lookupKey(sequence);
    const keycap = /^([0-9#*])\u20E3$/u.exec(key);
    if (keycap) return keycap[1];
    const entry = EMOJI_NAMES[key] ?? EMOJI_NAMES[key.split('\u200D')[0] ?? ''];
    return entry?.[language];
  }

  read(text: string, fallback: Language): string {
    let out = '';
    let last = 0;
    let previousName: string | undefined;
    for (const match of text.matchAll(EMOJI_SEQUENCE)) {
      const start = match.index;
      const gap = text.slice(last, start);
      last = start + match[0].length;
      const language = languageAround(text, start, last, fallback);
      const name = this.mode === 'name' ? this.nameOf(match[0], language) : undefined;
      // A run of the same emoji (😂😂😂) is said once.
      if (gap.trim() === '' && name !== undefined && name === previousName) {
        out += gap;
        continue;
      }
      if (gap !== '') previousName = undefined;
      if (name === undefined) {
        out += gap;
        continue;
      }
      previousName = name;
      out += gap + (language === 'en' ? ` ${name} ` : name);
    }
    out += text.slice(last);
    return out.replace(EMOJI_DEBRIS, '').replace(/ {2,}/g, ' ');
  }
}
