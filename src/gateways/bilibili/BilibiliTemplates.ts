import { validateTemplate } from '../../chat/ChatTemplate.ts';

/**
 * What Chorus says for each Bilibili event type. `{uname}` is the viewer (or a neutral word when hidden),
 * `{msg}` the viewer's text; an empty template turns the type off.
 */
export interface BilibiliTemplates {
  readonly danmaku: string;
  /** A danmaku replying to someone (`{reply}` is who). */
  readonly reply: string;
  readonly gift: string;
  readonly superChat: string;
  readonly guard: string;
  readonly follow: string;
  readonly share: string;
  readonly like: string;
  readonly entry: string;
}

export const DEFAULT_BILIBILI_TEMPLATES: BilibiliTemplates = {
  danmaku: '{uname}说{msg}',
  reply: '{uname}回复{reply}说{msg}',
  gift: '感谢{uname}赠送的{num}个{gift}',
  superChat: '{uname}发送了{price}元醒目留言：{msg}',
  guard: '感谢{uname}开通了{num}个{unit}的{guard}',
  follow: '感谢{uname}的关注',
  share: '',
  like: '',
  entry: '',
};

/** Placeholders each template may use. */
export const TEMPLATE_PLACEHOLDERS: Readonly<Record<keyof BilibiliTemplates, readonly string[]>> = {
  danmaku: ['uname', 'msg'],
  reply: ['uname', 'msg', 'reply'],
  gift: ['uname', 'num', 'gift', 'price', 'action'],
  superChat: ['uname', 'msg', 'price'],
  guard: ['uname', 'num', 'unit', 'guard', 'price'],
  follow: ['uname'],
  share: ['uname'],
  like: ['uname', 'num'],
  entry: ['uname'],
};

export const TEMPLATE_NAMES = Object.keys(DEFAULT_BILIBILI_TEMPLATES) as (keyof BilibiliTemplates)[];

/** Defaults overridden by `overrides`, each checked; `where` names the file for error messages. */
export function bilibiliTemplates(overrides: Partial<Record<string, string>>, where: string): BilibiliTemplates {
  const merged: Record<string, string> = { ...DEFAULT_BILIBILI_TEMPLATES };
  for (const [name, template] of Object.entries(overrides)) {
    if (template === undefined) continue;
    merged[name] = template;
  }
  for (const name of TEMPLATE_NAMES) validateTemplate(`templates.${name} in ${where}`, merged[name] as string, TEMPLATE_PLACEHOLDERS[name]);
  return merged as unknown as BilibiliTemplates;
}
