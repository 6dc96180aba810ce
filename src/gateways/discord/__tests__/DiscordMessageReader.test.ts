import { describe, expect, it } from 'vitest';
import { PronunciationDictionary } from '../../../text/PronunciationDictionary.ts';
import { DiscordMessageReader, type DiscordMessageInput, type ReaderContext } from '../DiscordMessageReader.ts';
import { DEFAULT_GUILD_SETTINGS, type GuildSettings } from '../GuildSettings.ts';

const TEXT = '100000000000000001';
const VOICE = '100000000000000002';
const ALICE = '200000000000000001';
const BOB = '200000000000000002';
const ROLE = '300000000000000001';

function message(content: string, overrides: Partial<Omit<DiscordMessageInput, 'author'>> & { author?: Partial<DiscordMessageInput['author']> } = {}): DiscordMessageInput {
  const { author, ...rest } = overrides;
  return {
    id: 'm1',
    guildId: 'g1',
    channelId: TEXT,
    content,
    mentions: { users: new Map([[BOB, 'Bob']]), roles: new Map([[ROLE, 'Mods']]), channels: new Map([[TEXT, 'general']]) },
    attachments: [],
    receivedAt: 1_000_000,
    ...rest,
    author: { id: ALICE, name: 'alice', nickname: 'Ali', isBot: false, roleIds: [], voiceChannelId: VOICE, ...author },
  };
}

function context(settings: Partial<GuildSettings> = {}, extra: Partial<ReaderContext> = {}): ReaderContext {
  return {
    settings: { ...DEFAULT_GUILD_SETTINGS, readNames: false, ...settings },
    boundChannelId: TEXT,
    botVoiceChannelId: VOICE,
    mutedUserIds: new Set(),
    mutedRoleIds: new Set(),
    dictionary: new PronunciationDictionary(),
    ...extra,
  };
}

function spoken(content: string, settings: Partial<GuildSettings> = {}, overrides: Parameters<typeof message>[1] = {}): string {
  const decision = new DiscordMessageReader().read(message(content, overrides), context(settings));
  if (decision.kind !== 'read') throw new Error(`skipped: ${decision.reason}`);
  return decision.text;
}

describe('DiscordMessageReader gating', () => {
  const reader = new DiscordMessageReader();
  const reason = (input: DiscordMessageInput, ctx = context()): string => {
    const decision = reader.read(input, ctx);
    return decision.kind === 'skip' ? decision.reason : 'read';
  };

  it('reads the bound channel and the voice channel text chat, nothing else', () => {
    expect(reason(message('hi'))).toBe('read');
    expect(reason(message('hi', { channelId: VOICE }))).toBe('read');
    expect(reason(message('hi', { channelId: '100000000000000009' }))).toBe('channel');
  });

  it('skips ;-messages, bots, muted users and roles, missing roles, and authors outside the voice channel', () => {
    expect(reason(message(' ;secret'))).toBe('prefix');
    expect(reason(message('beep', { author: { isBot: true } }))).toBe('bot');
    expect(reason(message('beep', { author: { isBot: true } }), context({ ignoreBots: false }))).toBe('read');
    expect(reason(message('hi'), context({}, { mutedUserIds: new Set([ALICE]) }))).toBe('muted');
    expect(reason(message('hi', { author: { roleIds: [ROLE] } }), context({}, { mutedRoleIds: new Set([ROLE]) }))).toBe('muted');
    expect(reason(message('hi'), context({ requiredRoleId: ROLE }))).toBe('role');
    expect(reason(message('hi', { author: { roleIds: [ROLE] } }), context({ requiredRoleId: ROLE }))).toBe('read');
    expect(reason(message('hi', { author: { voiceChannelId: undefined } }))).toBe('not-in-voice');
    expect(reason(message('hi', { author: { voiceChannelId: undefined } }), context({ requireVoice: false }))).toBe('read');
  });

  it('skips messages with nothing readable left', () => {
    expect(reason(message('https://example.com/x', {}), context({ readLinks: false }))).toBe('read'); // "a link"
    expect(reason(message('... !! ~~'))).toBe('empty');
    expect(reason(message('<:pepe:123456789012345678>'), context({ readEmoji: false }))).toBe('empty');
  });
});

describe('DiscordMessageReader text', () => {
  it('resolves mentions to names, or drops them', () => {
    expect(spoken(`hi <@${BOB}> and <@&${ROLE}> in <#${TEXT}>`)).toBe('hi Bob and Mods in general');
    expect(spoken(`hi <@!${BOB}>`, { readMentions: false })).toBe('hi');
  });

  it('replaces code, spoilers and markdown', () => {
    expect(spoken('look ```js\nconst x = 1;\n``` ok')).toBe('look code block ok');
    expect(spoken('run `npm test` now')).toBe('run code now');
    expect(spoken('run `npm test` now', { skipCode: false })).toBe('run npm test now');
    expect(spoken('the end: ||he dies|| wow')).toBe('the end: spoiler wow');
    expect(spoken('the end: ||he dies||', { skipSpoilers: false })).toBe('the end: he dies');
    expect(spoken('**bold** and *it* and ~~gone~~ [docs](https://x.dev/a)')).toBe('bold and it and gone docs');
    expect(spoken('剧透：||他死了||')).toBe('剧透：，剧透省略，');
  });

  it('reads links as "a link" unless asked, and custom emoji by name', () => {
    expect(spoken('see https://example.com/page?x=1 now')).toBe('see a link now');
    expect(spoken('see https://example.com/page', { readLinks: true })).toBe('see https://example.com/page');
    expect(spoken('nice <:pepe_happy:123456789012345678> 😂')).toBe('nice pepe happy 😂');
    expect(spoken('nice <a:dance:123456789012345678> 😂', { readEmoji: false })).toBe('nice');
  });

  it('describes attachments in the message language', () => {
    expect(spoken('look', {}, { attachments: [{ filename: 'a.png' }, { filename: 'b.jpg' }, { filename: 'c.mp3' }] })).toBe('look Sent 2 images and an audio file.');
    expect(spoken('看', {}, { attachments: [{ filename: 'x.bin', contentType: 'image/webp' }] })).toBe('看 发送了一张图片。');
  });

  it('applies the dictionary to text and names, then announces the name once per window, then caps length', () => {
    const reader = new DiscordMessageReader();
    const ctx = context({ readNames: true, nameRepeatSeconds: 10, maxCharacters: 30 }, { dictionary: new PronunciationDictionary({ Ali: 'Ah-lee', gg: 'good game' }) });
    const first = reader.read(message('gg everyone'), ctx);
    expect(first).toEqual({ kind: 'read', text: 'Ah-lee said: good game everyone', announcedName: 'Ali' });
    const again = reader.read(message('gg again', { receivedAt: 1_005_000 }), ctx);
    expect(again).toMatchObject({ text: 'good game again', announcedName: undefined });
    const later = reader.read(message('back', { receivedAt: 1_020_000 }), ctx);
    expect(later).toMatchObject({ text: 'Ah-lee said: back' });
    const other = reader.read(message('hello', { receivedAt: 1_021_000, author: { id: BOB, nickname: undefined, name: 'bob' } }), ctx);
    expect(other).toMatchObject({ text: 'bob said: hello' });
    const long = reader.read(message('word '.repeat(40), { receivedAt: 1_022_000, author: { id: BOB, name: 'bob' } }), ctx);
    expect(long.kind === 'read' && long.text.length).toBeLessThanOrEqual(31);
  });

  it('uses the global name when nicknames are off, and Chinese phrasing for Chinese text', () => {
    const reader = new DiscordMessageReader();
    expect(reader.read(message('大家好'), context({ readNames: true, useNicknames: false }))).toMatchObject({ text: 'alice说：大家好' });
  });
});
