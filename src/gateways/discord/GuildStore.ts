import { migrate } from '../../voices/migrations.ts';
import { SqliteDatabase } from '../../voices/SqliteDatabase.ts';
import { PronunciationDictionary, type PronunciationEntry } from '../../text/PronunciationDictionary.ts';
import { ChorusError } from '../../util/ChorusError.ts';
import { parseGuildSettings, withSetting, type GuildSettings } from './GuildSettings.ts';

export type MuteKind = 'user' | 'role';

/** What the reader needs of a guild's stored state, loaded together. */
export interface GuildReadState {
  readonly settings: GuildSettings;
  readonly boundChannelId: string | undefined;
  readonly dictionary: PronunciationDictionary;
  readonly mutedUserIds: ReadonlySet<string>;
  readonly mutedRoleIds: ReadonlySet<string>;
}

export class DictionaryEntryError extends ChorusError {
  constructor(message: string) {
    super('dictionary-entry-invalid', message);
  }
}

const MAX_DICTIONARY_ENTRIES = 500;

/**
 * Per-guild settings, bound channel, pronunciation dictionary, mutes and the voice channel to rejoin after a
 * restart, in the Chorus SQLite database (tables from migration 2, the voice channel from migration 5). Reads
 * are cached per guild and the cache is dropped on every write, so each message costs no query once a guild is
 * warm.
 */
export class GuildStore {
  readonly #db: SqliteDatabase;
  readonly #owns: boolean;
  readonly #cache = new Map<string, Promise<GuildReadState>>();

  private constructor(db: SqliteDatabase, owns: boolean) {
    this.#db = db;
    this.#owns = owns;
  }

  /** Opens its own connection to the database file the voice registry uses (WAL lets both work at once). */
  static async open(path: string): Promise<GuildStore> {
    const db = await SqliteDatabase.open(path);
    try {
      await migrate(db);
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
    return new GuildStore(db, true);
  }

  load(guildId: string): Promise<GuildReadState> {
    let state = this.#cache.get(guildId);
    if (state === undefined) {
      state = this.#load(guildId);
      this.#cache.set(guildId, state);
      state.catch(() => this.#cache.delete(guildId));
    }
    return state;
  }

  async #load(guildId: string): Promise<GuildReadState> {
    const row = await this.#db.get<{ settings: string; bound_channel_id: string | null }>('SELECT settings, bound_channel_id FROM guild_settings WHERE guild_id = ?', [guildId]);
    const words = await this.#db.all<{ word: string; reading: string }>('SELECT word, reading FROM guild_dictionary WHERE guild_id = ?', [guildId]);
    const mutes = await this.#db.all<{ kind: MuteKind; target_id: string }>('SELECT kind, target_id FROM guild_mutes WHERE guild_id = ?', [guildId]);
    return {
      settings: parseGuildSettings(row?.settings),
      boundChannelId: row?.bound_channel_id ?? undefined,
      dictionary: new PronunciationDictionary(words.map((entry) => ({ word: entry.word, reading: entry.reading }))),
      mutedUserIds: new Set(mutes.filter((mute) => mute.kind === 'user').map((mute) => mute.target_id)),
      mutedRoleIds: new Set(mutes.filter((mute) => mute.kind === 'role').map((mute) => mute.target_id)),
    };
  }

  async setSetting(guildId: string, key: string, value: boolean | number | string | null): Promise<GuildSettings> {
    const settings = withSetting((await this.load(guildId)).settings, key, value);
    await this.#db.run(
      `INSERT INTO guild_settings (guild_id, settings, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (guild_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
      [guildId, JSON.stringify(settings), Date.now()],
    );
    this.#cache.delete(guildId);
    return settings;
  }

  async bindChannel(guildId: string, channelId: string | null): Promise<void> {
    await this.#db.run(
      `INSERT INTO guild_settings (guild_id, bound_channel_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (guild_id) DO UPDATE SET bound_channel_id = excluded.bound_channel_id, updated_at = excluded.updated_at`,
      [guildId, channelId, Date.now()],
    );
    this.#cache.delete(guildId);
  }

  /** Remembers the voice channel the bot is in (null: none), so a restart can bring it back. */
  async rememberVoiceChannel(guildId: string, channelId: string | null): Promise<void> {
    await this.#db.run(
      `INSERT INTO guild_settings (guild_id, voice_channel_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (guild_id) DO UPDATE SET voice_channel_id = excluded.voice_channel_id, updated_at = excluded.updated_at`,
      [guildId, channelId, Date.now()],
    );
  }

  /** Guilds whose bot was in voice with a bound text channel when it last stopped. */
  async voiceSessionsToResume(): Promise<{ readonly guildId: string; readonly voiceChannelId: string; readonly boundChannelId: string }[]> {
    const rows = await this.#db.all<{ guild_id: string; voice_channel_id: string; bound_channel_id: string }>(
      'SELECT guild_id, voice_channel_id, bound_channel_id FROM guild_settings WHERE voice_channel_id IS NOT NULL AND bound_channel_id IS NOT NULL',
    );
    return rows.map((row) => ({ guildId: row.guild_id, voiceChannelId: row.voice_channel_id, boundChannelId: row.bound_channel_id }));
  }

  async addWord(guildId: string, word: string, reading: string, addedBy: string): Promise<void> {
    const key = word.trim();
    const said = reading.trim();
    if (key === '' || key.length > 64) throw new DictionaryEntryError('The word must be 1 to 64 characters.');
    if (said === '' || said.length > 128) throw new DictionaryEntryError('The reading must be 1 to 128 characters.');
    const count = await this.#db.get<{ n: number }>('SELECT count(*) AS n FROM guild_dictionary WHERE guild_id = ? AND word <> ?', [guildId, key.toLowerCase()]);
    if ((count?.n ?? 0) >= MAX_DICTIONARY_ENTRIES) {
      throw new DictionaryEntryError(`This server already has ${MAX_DICTIONARY_ENTRIES} dictionary entries; remove some with /dict remove first.`);
    }
    await this.#db.run(
      `INSERT INTO guild_dictionary (guild_id, word, reading, added_by, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (guild_id, word) DO UPDATE SET reading = excluded.reading, added_by = excluded.added_by, updated_at = excluded.updated_at`,
      [guildId, key.toLowerCase(), said, addedBy, Date.now()],
    );
    this.#cache.delete(guildId);
  }

  async removeWord(guildId: string, word: string): Promise<boolean> {
    const result = await this.#db.run('DELETE FROM guild_dictionary WHERE guild_id = ? AND word = ?', [guildId, word.trim().toLowerCase()]);
    this.#cache.delete(guildId);
    return result.changes > 0;
  }

  async words(guildId: string): Promise<PronunciationEntry[]> {
    return (await this.load(guildId)).dictionary.entries().sort((a, b) => a.word.localeCompare(b.word));
  }

  async mute(guildId: string, kind: MuteKind, targetId: string, mutedBy: string): Promise<boolean> {
    const result = await this.#db.run('INSERT OR IGNORE INTO guild_mutes (guild_id, kind, target_id, muted_by, muted_at) VALUES (?, ?, ?, ?, ?)', [guildId, kind, targetId, mutedBy, Date.now()]);
    this.#cache.delete(guildId);
    return result.changes > 0;
  }

  async unmute(guildId: string, kind: MuteKind, targetId: string): Promise<boolean> {
    const result = await this.#db.run('DELETE FROM guild_mutes WHERE guild_id = ? AND kind = ? AND target_id = ?', [guildId, kind, targetId]);
    this.#cache.delete(guildId);
    return result.changes > 0;
  }

  async close(): Promise<void> {
    if (this.#owns) await this.#db.close();
  }
}
