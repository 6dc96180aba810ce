import { ChorusError } from '../util/ChorusError.ts';
import type { SqliteDatabase, SqlExecutor } from './SqliteDatabase.ts';

/**
 * One schema step. `version` is the `PRAGMA user_version` the database has after it runs.
 * Versions start at 1 and increase by one; a released migration is never edited, only followed by
 * a new one (settings, dictionary and later tables are added by appending to CHORUS_MIGRATIONS).
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: string | ((tx: SqlExecutor) => Promise<void>);
}

/** The database was written by a newer Chorus, or the migration list itself is malformed. */
export class MigrationError extends ChorusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('migration', message, options);
  }
}

/** The schema of the Chorus database, in order. */
export const CHORUS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'voices and per-user voice selection',
    up: `
      CREATE TABLE voices (
        id                  TEXT PRIMARY KEY NOT NULL,
        name                TEXT NOT NULL,
        owner_platform      TEXT NOT NULL,
        owner_user_id       TEXT NOT NULL,
        scope_kind          TEXT NOT NULL CHECK (scope_kind IN ('private', 'guild', 'global')),
        -- the guild/room of a guild-scoped voice; NULL otherwise
        scope_id            TEXT,
        language            TEXT NOT NULL,
        transcript          TEXT NOT NULL,
        -- relative to the voices directory, e.g. "<id>/reference.wav"
        clip_path           TEXT NOT NULL,
        clip_seconds        REAL NOT NULL,
        -- JSON object keyed by engine id
        features            TEXT NOT NULL DEFAULT '{}',
        consent_by_platform TEXT NOT NULL,
        consent_by_user_id  TEXT NOT NULL,
        -- milliseconds since the epoch
        consent_at          INTEGER NOT NULL,
        consent_statement   TEXT NOT NULL,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL,
        -- 'missing-files' when the recovery pass found the reference clip gone
        state               TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'missing-files')),
        CHECK ((scope_kind = 'guild') = (scope_id IS NOT NULL))
      ) STRICT;

      CREATE UNIQUE INDEX voices_owner_name ON voices (owner_platform, owner_user_id, name COLLATE NOCASE);
      CREATE INDEX voices_scope ON voices (scope_kind, scope_id);

      CREATE TABLE voice_selection (
        platform   TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        -- the guild/room the selection applies in; '' means everywhere without a more specific choice
        scope_id   TEXT NOT NULL DEFAULT '',
        voice_id   TEXT NOT NULL REFERENCES voices (id) ON DELETE CASCADE,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (platform, user_id, scope_id)
      ) STRICT;

      CREATE INDEX voice_selection_voice ON voice_selection (voice_id);
    `,
  },
  {
    version: 2,
    description: 'Discord guild settings, pronunciation dictionary and mutes',
    up: `
      CREATE TABLE guild_settings (
        guild_id         TEXT PRIMARY KEY NOT NULL,
        -- JSON object of GuildSettings; missing keys take their defaults
        settings         TEXT NOT NULL DEFAULT '{}',
        -- the text channel bound with /join; NULL when none
        bound_channel_id TEXT,
        updated_at       INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE guild_dictionary (
        guild_id   TEXT NOT NULL,
        -- lower-cased for lookup; the reading replaces it
        word       TEXT NOT NULL,
        reading    TEXT NOT NULL,
        added_by   TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (guild_id, word)
      ) STRICT;

      CREATE TABLE guild_mutes (
        guild_id  TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN ('user', 'role')),
        target_id TEXT NOT NULL,
        muted_by  TEXT NOT NULL,
        muted_at  INTEGER NOT NULL,
        PRIMARY KEY (guild_id, kind, target_id)
      ) STRICT;
    `,
  },
  {
    version: 3,
    description: 'voices a streamer binds to live-room viewers',
    up: `
      CREATE TABLE viewer_voice_binding (
        platform          TEXT NOT NULL,
        -- uid (Bilibili web route), open_id (Bilibili Open Platform), user id elsewhere
        viewer_id         TEXT NOT NULL,
        -- the room the binding applies in; '' means every room
        scope_id          TEXT NOT NULL DEFAULT '',
        voice_id          TEXT NOT NULL REFERENCES voices (id) ON DELETE CASCADE,
        bound_by_platform TEXT NOT NULL,
        bound_by_user_id  TEXT NOT NULL,
        updated_at        INTEGER NOT NULL,
        PRIMARY KEY (platform, viewer_id, scope_id)
      ) STRICT;

      CREATE INDEX viewer_voice_binding_voice ON viewer_voice_binding (voice_id);
    `,
  },
  {
    version: 4,
    description: 'viewers muted from the control page or the console (kept across restarts)',
    up: `
      CREATE TABLE viewer_mutes (
        platform     TEXT NOT NULL,
        user_id      TEXT NOT NULL,
        -- as shown when muted, so the control page can list the viewer after a restart
        display_name TEXT NOT NULL,
        -- milliseconds since the epoch
        muted_at     INTEGER NOT NULL,
        PRIMARY KEY (platform, user_id)
      ) STRICT;
    `,
  },
  {
    version: 5,
    description: 'the Discord voice channel each guild was in, to rejoin after a restart',
    up: `
      -- set while the bot is in voice with a bound text channel; cleared by /leave, auto-leave and a give-up
      ALTER TABLE guild_settings ADD COLUMN voice_channel_id TEXT;
    `,
  },
];

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(
        `Migration "${migration.description}" has version ${migration.version}; expected ${index + 1}. ` +
          'Versions must start at 1 and increase by one.',
      );
    }
  });
}

export async function schemaVersion(db: SqlExecutor): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

/**
 * Brings the database up to the last migration. All pending steps run in one IMMEDIATE transaction
 * together with the `user_version` bump, so a crash leaves the old schema or the new one, never half
 * of it, and two processes opening at once cannot both apply a step. Returns the resulting version.
 */
export async function migrate(
  db: SqliteDatabase,
  migrations: readonly Migration[] = CHORUS_MIGRATIONS,
): Promise<number> {
  checkOrder(migrations);
  const latest = migrations.length;
  return db.transaction(async (tx) => {
    const current = await schemaVersion(tx);
    if (current > latest) {
      throw new MigrationError(
        `The database ${db.path} has schema version ${current}, but this Chorus only knows up to ${latest}. ` +
          'It was written by a newer Chorus: upgrade Chorus, or restore a backup made before the upgrade.',
      );
    }
    for (const migration of migrations.slice(current)) {
      try {
        if (typeof migration.up === 'string') await tx.exec(migration.up);
        else await migration.up(tx);
      } catch (error) {
        throw new MigrationError(
          `Upgrading ${db.path} to schema version ${migration.version} (${migration.description}) failed; ` +
            'nothing was changed.',
          { cause: error },
        );
      }
      // PRAGMA takes no bound parameters; the version is an integer we generated.
      await tx.exec(`PRAGMA user_version = ${migration.version}`);
    }
    return latest;
  });
}
