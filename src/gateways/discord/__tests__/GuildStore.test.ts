import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../../voices/SqliteDatabase.ts';
import { GuildSettingError, DEFAULT_GUILD_SETTINGS } from '../GuildSettings.ts';
import { DictionaryEntryError, GuildStore } from '../GuildStore.ts';

const GUILD = '111111111111111111';
const OTHER = '222222222222222222';
const ROLE = '333333333333333333';

describe('GuildStore on a real SQLite file', () => {
  let dir: string;
  let path: string;
  let store: GuildStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-guildstore-'));
    path = join(dir, 'chorus.sqlite');
    store = await GuildStore.open(path);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a new guild has the defaults, no binding, no words and no mutes', async () => {
    const state = await store.load(GUILD);
    expect(state.settings).toEqual(DEFAULT_GUILD_SETTINGS);
    expect(state.boundChannelId).toBeUndefined();
    expect(state.dictionary.size).toBe(0);
    expect(state.mutedUserIds.size + state.mutedRoleIds.size).toBe(0);
  });

  it('settings, binding, words and mutes survive reopening the file, per guild', async () => {
    await store.setSetting(GUILD, 'maxSeconds', 12);
    await store.setSetting(GUILD, 'requiredRoleId', ROLE);
    await store.bindChannel(GUILD, '444444444444444444');
    await store.addWord(GUILD, '  GG ', ' good game ', 'u1');
    await store.mute(GUILD, 'user', '555555555555555555', 'u1');
    await store.mute(GUILD, 'role', ROLE, 'u1');
    // Binding after settings keeps the settings (and the reverse), both are upserts of one row.
    await store.setSetting(GUILD, 'readNames', false);
    await store.close();

    store = await GuildStore.open(path);
    const state = await store.load(GUILD);
    expect(state.settings).toEqual({ ...DEFAULT_GUILD_SETTINGS, maxSeconds: 12, requiredRoleId: ROLE, readNames: false });
    expect(state.boundChannelId).toBe('444444444444444444');
    expect(state.dictionary.apply('gg everyone')).toBe('good game everyone');
    expect([...state.mutedUserIds]).toEqual(['555555555555555555']);
    expect([...state.mutedRoleIds]).toEqual([ROLE]);
    const other = await store.load(OTHER);
    expect(other.settings).toEqual(DEFAULT_GUILD_SETTINGS);
    expect(other.dictionary.size).toBe(0);
  });

  it('every write is seen by the next load (the per-guild cache is dropped)', async () => {
    const first = await store.load(GUILD);
    expect(await store.load(GUILD)).toBe(first); // cached while nothing changes
    await store.addWord(GUILD, 'gg', 'good game', 'u1');
    expect((await store.load(GUILD)).dictionary.apply('gg')).toBe('good game');
    expect(await store.removeWord(GUILD, 'GG')).toBe(true);
    expect(await store.removeWord(GUILD, 'gg')).toBe(false);
    expect((await store.load(GUILD)).dictionary.apply('gg')).toBe('gg');
    await store.bindChannel(GUILD, '444444444444444444');
    await store.bindChannel(GUILD, null);
    expect((await store.load(GUILD)).boundChannelId).toBeUndefined();
    expect(await store.mute(GUILD, 'user', 'u2', 'u1')).toBe(true);
    expect(await store.mute(GUILD, 'user', 'u2', 'u1')).toBe(false);
    expect((await store.load(GUILD)).mutedUserIds.has('u2')).toBe(true);
    expect(await store.unmute(GUILD, 'user', 'u2')).toBe(true);
    expect(await store.unmute(GUILD, 'user', 'u2')).toBe(false);
    expect((await store.load(GUILD)).mutedUserIds.has('u2')).toBe(false);
  });

  it('a load that started before a write does not keep serving the old state', async () => {
    await store.addWord(GUILD, 'gg', 'good game', 'u1');
    const inFlight = store.load(GUILD); // e.g. a message arriving while /dict remove runs
    const removing = store.removeWord(GUILD, 'gg');
    await Promise.all([inFlight, removing]);
    expect((await store.load(GUILD)).dictionary.apply('gg')).toBe('gg');
  });

  it('words are listed sorted, re-adding replaces the reading, and bad entries are refused with the rule', async () => {
    await store.addWord(GUILD, 'zed', 'zee', 'u1');
    await store.addWord(GUILD, 'Alice', 'Ally', 'u1');
    await store.addWord(GUILD, 'alice', 'Alicia', 'u2');
    expect((await store.words(GUILD)).map((entry) => `${entry.word}=${entry.reading}`)).toEqual(['alice=Alicia', 'zed=zee']);
    await expect(store.addWord(GUILD, '   ', 'x', 'u1')).rejects.toThrow(DictionaryEntryError);
    await expect(store.addWord(GUILD, 'x'.repeat(65), 'x', 'u1')).rejects.toThrow(/1 to 64 characters/);
    await expect(store.addWord(GUILD, 'word', 'r'.repeat(129), 'u1')).rejects.toThrow(/1 to 128 characters/);
    expect(await store.words(GUILD)).toHaveLength(2);
  });

  it('refuses the 501st word but still lets an existing one be changed', async () => {
    const db = await SqliteDatabase.open(path);
    await db.run('BEGIN');
    for (let i = 0; i < 500; i++) await db.run('INSERT INTO guild_dictionary (guild_id, word, reading, added_by, updated_at) VALUES (?, ?, ?, ?, ?)', [GUILD, `w${i}`, 'r', 'u1', 0]);
    await db.run('COMMIT');
    await db.close();
    await expect(store.addWord(GUILD, 'one-more', 'x', 'u1')).rejects.toThrow(/500 dictionary entries/);
    await store.addWord(GUILD, 'w7', 'changed', 'u1');
    expect((await store.load(GUILD)).dictionary.apply('w7')).toBe('changed');
  });

  it('invalid settings are refused with what is allowed, and nothing is written', async () => {
    await expect(store.setSetting(GUILD, 'maxSeconds', 1)).rejects.toThrow(/from 3 to 300/);
    await expect(store.setSetting(GUILD, 'autojoin', 'yes')).rejects.toThrow(GuildSettingError);
    await expect(store.setSetting(GUILD, 'requiredRoleId', 'admins')).rejects.toThrow(/Pick a role/);
    await expect(store.setSetting(GUILD, 'volume', 3)).rejects.toThrow(/no setting called "volume"/);
    expect((await store.load(GUILD)).settings).toEqual(DEFAULT_GUILD_SETTINGS);
  });

  it('a damaged settings row falls back to the defaults key by key', async () => {
    const db = await SqliteDatabase.open(path);
    await db.run('INSERT INTO guild_settings (guild_id, settings, updated_at) VALUES (?, ?, ?)', [GUILD, JSON.stringify({ maxSeconds: 9999, readLinks: true, autojoin: 'maybe' }), 0]);
    await db.run('INSERT INTO guild_settings (guild_id, settings, updated_at) VALUES (?, ?, ?)', [OTHER, '{not json', 0]);
    await db.close();
    expect((await store.load(GUILD)).settings).toEqual({ ...DEFAULT_GUILD_SETTINGS, readLinks: true });
    expect((await store.load(OTHER)).settings).toEqual(DEFAULT_GUILD_SETTINGS);
  });

  it('remembers the voice channel per guild across reopening; only guilds with a bound channel are resumed', async () => {
    await store.bindChannel(GUILD, '444444444444444444');
    await store.rememberVoiceChannel(GUILD, '555555555555555555');
    await store.rememberVoiceChannel(OTHER, '666666666666666666');
    await store.close();
    store = await GuildStore.open(path);
    expect(await store.voiceSessionsToResume()).toEqual([{ guildId: GUILD, voiceChannelId: '555555555555555555', boundChannelId: '444444444444444444' }]);
    expect((await store.load(GUILD)).boundChannelId).toBe('444444444444444444');
    await store.rememberVoiceChannel(GUILD, null);
    expect(await store.voiceSessionsToResume()).toEqual([]);
  });
});
