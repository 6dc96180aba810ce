import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHORUS_MIGRATIONS, migrate, MigrationError, schemaVersion, type Migration } from '../migrations.ts';
import { DatabaseError, SqliteDatabase } from '../SqliteDatabase.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-db-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SqliteDatabase', () => {
  it('opens a file in WAL mode with foreign keys on and the requested synchronous level', async () => {
    const db = await SqliteDatabase.open(join(dir, 'nested', 'chorus.db'), { synchronous: 'FULL', busyTimeoutMs: 1234 });
    try {
      expect(db.journalMode).toBe('wal');
      expect(await db.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
      expect(await db.get<{ synchronous: number }>('PRAGMA synchronous')).toEqual({ synchronous: 2 });
      expect(await db.get<{ timeout: number }>('PRAGMA busy_timeout')).toEqual({ timeout: 1234 });
    } finally {
      await db.close();
    }
  });

  it('runs statements with positional and named parameters and reports changes', async () => {
    const db = await SqliteDatabase.open(join(dir, 'a.db'));
    try {
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB)');
      const first = await db.run('INSERT INTO t (name, data) VALUES (?, ?)', ['alpha', Buffer.from([1, 2, 3])]);
      const second = await db.run('INSERT INTO t (name) VALUES ($name)', { $name: 'beta' });
      expect(second.lastId).toBe(first.lastId + 1);
      const updated = await db.run('UPDATE t SET name = upper(name)');
      expect(updated.changes).toBe(2);
      const rows = await db.all<{ name: string; data: Buffer | null }>('SELECT name, data FROM t ORDER BY id');
      expect(rows.map((row) => row.name)).toEqual(['ALPHA', 'BETA']);
      expect([...(rows[0]?.data ?? [])]).toEqual([1, 2, 3]);
      expect(await db.get('SELECT * FROM t WHERE name = ?', ['nobody'])).toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it('commits a transaction, and rolls back everything when the callback throws', async () => {
    const db = await SqliteDatabase.open(join(dir, 'b.db'));
    try {
      await db.exec('CREATE TABLE t (v INTEGER)');
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO t VALUES (1)');
        await tx.run('INSERT INTO t VALUES (2)');
      });
      const failure = new Error('stop');
      await expect(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO t VALUES (3)');
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect((await db.all<{ v: number }>('SELECT v FROM t ORDER BY v')).map((row) => row.v)).toEqual([1, 2]);
    } finally {
      await db.close();
    }
  });

  it('does not let statements issued during a transaction slip into it', async () => {
    const db = await SqliteDatabase.open(join(dir, 'c.db'));
    try {
      await db.exec('CREATE TABLE t (v INTEGER)');
      let releaseTransaction!: () => void;
      const gate = new Promise<void>((resolve) => {
        releaseTransaction = resolve;
      });
      const transaction = db
        .transaction(async (tx) => {
          await tx.run('INSERT INTO t VALUES (1)');
          await gate;
          throw new Error('roll back');
        })
        .catch(() => 'rolled back');
      // Issued while the transaction is open: must run after it, not inside it.
      const outside = db.run('INSERT INTO t VALUES (2)');
      releaseTransaction();
      expect(await transaction).toBe('rolled back');
      await outside;
      expect((await db.all<{ v: number }>('SELECT v FROM t')).map((row) => row.v)).toEqual([2]);
    } finally {
      await db.close();
    }
  });

  it('refuses a transaction handle used after the transaction ended', async () => {
    const db = await SqliteDatabase.open(join(dir, 'd.db'));
    try {
      let leaked: { run(sql: string): Promise<unknown> } | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(async () => leaked?.run('SELECT 1')).rejects.toBeInstanceOf(DatabaseError);
    } finally {
      await db.close();
    }
  });

  it('wraps SQLite errors in DatabaseError with the SQLite code', async () => {
    const db = await SqliteDatabase.open(join(dir, 'e.db'));
    try {
      await db.exec('CREATE TABLE t (v INTEGER UNIQUE)');
      await db.run('INSERT INTO t VALUES (1)');
      const error = await db.run('INSERT INTO t VALUES (1)').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as DatabaseError).sqliteCode).toBe('SQLITE_CONSTRAINT');
    } finally {
      await db.close();
    }
    await expect(db.get('SELECT 1')).rejects.toBeInstanceOf(DatabaseError);
  });
});

describe('migrate', () => {
  it('creates the schema once; opening again is a no-op at the same user_version', async () => {
    const path = join(dir, 'chorus.db');
    for (let round = 0; round < 2; round += 1) {
      const db = await SqliteDatabase.open(path);
      try {
        expect(await migrate(db)).toBe(CHORUS_MIGRATIONS.length);
        expect(await schemaVersion(db)).toBe(CHORUS_MIGRATIONS.length);
        const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
        expect(tables.map((table) => table.name)).toEqual(['guild_dictionary', 'guild_mutes', 'guild_settings', 'viewer_mutes', 'viewer_voice_binding', 'voice_selection', 'voices']);
      } finally {
        await db.close();
      }
    }
  });

  it('applies only the steps a database is missing, and rolls back a failing step entirely', async () => {
    const path = join(dir, 'steps.db');
    const first: Migration = { version: 1, description: 'a', up: 'CREATE TABLE a (x INTEGER)' };
    const second: Migration = {
      version: 2,
      description: 'b',
      up: async (tx) => {
        await tx.exec('CREATE TABLE b (x INTEGER)');
        await tx.run('INSERT INTO a VALUES (?)', [42]);
      },
    };
    const broken: Migration = { version: 3, description: 'broken', up: 'CREATE TABLE c (x INTEGER); CREATE TABLE a (x INTEGER)' };
    const db = await SqliteDatabase.open(path);
    try {
      expect(await migrate(db, [first])).toBe(1);
      expect(await migrate(db, [first, second])).toBe(2);
      expect(await db.get('SELECT x FROM a')).toEqual({ x: 42 });
      await expect(migrate(db, [first, second, broken])).rejects.toBeInstanceOf(MigrationError);
      expect(await schemaVersion(db)).toBe(2);
      expect(await db.get("SELECT name FROM sqlite_schema WHERE name = 'c'")).toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it('refuses a database written by a newer schema, and malformed migration lists', async () => {
    const db = await SqliteDatabase.open(join(dir, 'newer.db'));
    try {
      await db.exec(`PRAGMA user_version = ${CHORUS_MIGRATIONS.length + 1}`);
      await expect(migrate(db)).rejects.toThrow(/newer Chorus/);
      await expect(migrate(db, [{ version: 2, description: 'gap', up: 'SELECT 1' }])).rejects.toBeInstanceOf(MigrationError);
    } finally {
      await db.close();
    }
  });
});
