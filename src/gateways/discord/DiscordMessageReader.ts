import type { PronunciationDictionary } from '../../text/PronunciationDictionary.ts';
import { truncateText } from '../../text/TextTruncator.ts';
import type { GuildSettings } from './GuildSettings.ts';

/** What the reader needs of a Discord message: plain data, no discord.js objects. */
export interface DiscordMessageInput {
  readonly id: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly author: {
    readonly id: string;
    /** Server nickname, if any. */
    readonly nickname?: string;
    /** Global display name or username. */
    readonly name: string;
    readonly isBot: boolean;
    readonly roleIds: readonly string[];
    /** The voice channel the author is in, if any. */
    readonly voiceChannelId?: string;
  };
  readonly content: string;
  /** Display names for `<@id>`, `<@&id>` and `<#id>` in the content. */
  readonly mentions: {
    readonly users: ReadonlyMap<string, string>;
    readonly roles: ReadonlyMap<string, string>;
    readonly channels: ReadonlyMap<string, string>;
  };
  readonly attachments: readonly { readonly filename: string; readonly contentType?: string }[];
  /** Milliseconds since the epoch. */
  readonly receivedAt: number;
}

/** Where and how the guild reads, at the time of the message. */
export interface ReaderContext {
  readonly settings: GuildSettings;
  /** The text channel bound with /join. */
  readonly boundChannelId: string | undefined;
  /** The bot's voice channel (its text chat is read too); undefined when not connected. */
  readonly botVoiceChannelId: string | undefined;
  readonly mutedUserIds: ReadonlySet<string>;
  readonly mutedRoleIds: ReadonlySet<string>;
  readonly dictionary: PronunciationDictionary;
}

export type SkipReason = 'channel' | 'prefix' | 'bot' | 'role' | 'muted' | 'not-in-voice' | 'empty';

export type ReadDecision =
  | { readonly kind: 'read'; readonly text: string; readonly announcedName: string | undefined }
  | { readonly kind: 'skip'; readonly reason: SkipReason };

type Lang = 'zh' | 'en';

const PHRASES = {
  en: {
    said: (name: string) => `${name} said: `,
    spoiler: ' spoiler ',
    codeBlock: ' code block ',
    code: ' code ',
    link: ' a link ',
    image: (n: number) => (n === 1 ? 'an image' : `${n} images`),
    audio: (n: number) => (n === 1 ? 'an audio file' : `${n} audio files`),
    video: (n: number) => (n === 1 ? 'a video' : `${n} videos`),
    file: (n: number) => (n === 1 ? 'a file' : `${n} files`),
    attached: (list: string) => `Sent ${list}.`,
  },
  zh: {
    said: (name: string) => `${name}说：`,
    spoiler: '，剧透省略，',
    codeBlock: '，代码省略，',
    code: '，代码，',
    link: '，链接，',
    image: (n: number) => (n === 1 ? '一张图片' : `${n}张图片`),
    audio: (n: number) => (n === 1 ? '一段音频' : `${n}段音频`),
    video: (n: number) => (n === 1 ? '一段视频' : `${n}段视频`),
    file: (n: number) => (n === 1 ? '一个文件' : `${n}个文件`),
    attached: (list: string) => `发送了${list}。`,
  },
} as const;

const HAN = /\p{Script=Han}/u;
const URL_PATTERN = /\bhttps?:\/\/[^\s<>]+|<https?:\/\/[^\s>]+>/giu;
const CUSTOM_EMOJI = /<a?:(\w{2,32}):\d{15,22}>/gu;
const EXTENDED_PICTOGRAPHIC = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{FE0F}\u{200D}\u{1F3FB}-\u{1F3FF}]/gu;

/**
 * Turns a Discord message into the text to speak, or a reason not to. One pipeline, in this order:
 * gating → mentions to names → markdown, spoilers and code → links and emoji → attachments → dictionary →
 * name announcement → length cap. Knows nothing of discord.js; remembers only who spoke last per guild,
 * for de-duplicating the name announcement.
 */
export class DiscordMessageReader {
  readonly #lastSpeaker = new Map<string, { readonly userId: string; readonly at: number }>();

  read(message: DiscordMessageInput, context: ReaderContext): ReadDecision {
    const gate = this.#gate(message, context);
    if (gate !== undefined) return { kind: 'skip', reason: gate };
    const { settings } = context;
    const lang: Lang = HAN.test(message.content) ? 'zh' : 'en';
    const words = PHRASES[lang];

    let text = resolveMentions(message.content, message.mentions, settings.readMentions);
    text = replaceMarkdown(text, settings, lang);
    text = text.replace(URL_PATTERN, (url) => (settings.readLinks ? url.replace(/^<|>$/g, '') : words.link));
    text = text.replace(CUSTOM_EMOJI, (_, name: string) => (settings.readEmoji ? ` ${name.replace(/_/g, ' ')} ` : ' '));
    if (!settings.readEmoji) text = text.replace(EXTENDED_PICTOGRAPHIC, '');
    const attachments = describeAttachments(message.attachments, lang);
    if (attachments !== undefined) text = `${text.trim()} ${attachments}`;
    text = collapse(text);
    if (text === '' || !/[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(text)) return { kind: 'skip', reason: 'empty' };

    text = context.dictionary.apply(text);
    const name = this.#announce(message, settings);
    const spokenName = name === undefined ? undefined : context.dictionary.apply(name);
    const body = truncateText(text, settings.maxCharacters);
    return { kind: 'read', text: spokenName === undefined ? body : `${words.said(spokenName)}${body}`, announcedName: name };
  }

  /** Applies a guild's dictionary and length cap to /say text (no gating, no name announcement). */
  static prepareCommandText(text: string, context: Pick<ReaderContext, 'settings' | 'dictionary'>): string {
    return truncateText(collapse(context.dictionary.apply(text)), context.settings.maxCharacters);
  }

  /** Forgets who spoke last in a guild (after the bot leaves). */
  forget(guildId: string): void {
    this.#lastSpeaker.delete(guildId);
  }

  #gate(message: DiscordMessageInput, context: ReaderContext): SkipReason | undefined {
    const { settings, author } = { settings: context.settings, author: message.author };
    const inBound = context.boundChannelId !== undefined && message.channelId === context.boundChannelId;
    // A voice channel's own text chat has the voice channel's id.
    const inVoiceChat = context.botVoiceChannelId !== undefined && message.channelId === context.botVoiceChannelId;
    if (!inBound && !inVoiceChat) return 'channel';
    if (message.content.trimStart().startsWith(';')) return 'prefix';
    if (author.isBot && settings.ignoreBots) return 'bot';
    if (context.mutedUserIds.has(author.id) || author.roleIds.some((role) => context.mutedRoleIds.has(role))) return 'muted';
    if (settings.requiredRoleId !== null && !author.roleIds.includes(settings.requiredRoleId)) return 'role';
    if (settings.requireVoice && (author.voiceChannelId === undefined || author.voiceChannelId !== context.botVoiceChannelId)) return 'not-in-voice';
    return undefined;
  }

  #announce(message: DiscordMessageInput, settings: GuildSettings): string | undefined {
    const last = this.#lastSpeaker.get(message.guildId);
    this.#lastSpeaker.set(message.guildId, { userId: message.author.id, at: message.receivedAt });
    if (!settings.readNames) return undefined;
    if (last !== undefined && last.userId === message.author.id && message.receivedAt - last.at < settings.nameRepeatSeconds * 1000) return undefined;
    const name = settings.useNicknames ? (message.author.nickname ?? message.author.name) : message.author.name;
    return collapse(name);
  }
}

function resolveMentions(text: string, mentions: DiscordMessageInput['mentions'], read: boolean): string {
  const say = (name: string | undefined): string => (read && name !== undefined ? ` ${name} ` : ' ');
  return text
    .replace(/<@!?(\d{15,22})>/g, (_, id: string) => say(mentions.users.get(id)))
    .replace(/<@&(\d{15,22})>/g, (_, id: string) => say(mentions.roles.get(id)))
    .replace(/<#(\d{15,22})>/g, (_, id: string) => say(mentions.channels.get(id)))
    .replace(/@(everyone|here)\b/g, (_, who: string) => (read ? ` ${who} ` : ' '));
}

function replaceMarkdown(text: string, settings: GuildSettings, lang: Lang): string {
  const words = PHRASES[lang];
  return text
    .replace(/```(?:[\w+-]*\n)?([\s\S]*?)```/g, (_, code: string) => (settings.skipCode ? words.codeBlock : ` ${code} `))
    .replace(/`([^`\n]+)`/g, (_, code: string) => (settings.skipCode ? words.code : code))
    .replace(/\|\|([\s\S]+?)\|\|/g, (_, hidden: string) => (settings.skipSpoilers ? words.spoiler : hidden))
    .replace(/\[([^\]]+)\]\((?:https?:\/\/[^)\s]+)\)/g, '$1') // masked links: read the label
    .replace(/^\s{0,3}(?:#{1,3}|-#|>>>|>)\s+/gm, '') // headings, subtext, quotes
    .replace(/(\*\*|__|~~|\*|_)(?=\S)([\s\S]*?\S)\1/g, '$2'); // bold, underline, strike, italics
}

function describeAttachments(attachments: DiscordMessageInput['attachments'], lang: Lang): string | undefined {
  if (attachments.length === 0) return undefined;
  const counts = { image: 0, audio: 0, video: 0, file: 0 };
  for (const attachment of attachments) {
    const type = attachment.contentType ?? '';
    const extension = /\.([a-z0-9]+)$/i.exec(attachment.filename)?.[1]?.toLowerCase() ?? '';
    if (type.startsWith('image/') || ['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif'].includes(extension)) counts.image++;
    else if (type.startsWith('audio/') || ['mp3', 'wav', 'ogg', 'opus', 'flac', 'm4a'].includes(extension)) counts.audio++;
    else if (type.startsWith('video/') || ['mp4', 'webm', 'mov', 'mkv'].includes(extension)) counts.video++;
    else counts.file++;
  }
  const words = PHRASES[lang];
  const parts = (Object.keys(counts) as (keyof typeof counts)[]).filter((kind) => counts[kind] > 0).map((kind) => words[kind](counts[kind]));
  return words.attached(parts.join(lang === 'zh' ? '和' : ' and '));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
