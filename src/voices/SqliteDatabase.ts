import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import { ChorusError } from '../util/ChorusError.ts';

/**
 * A value SQLite can bind. Blobs are passed as Buffer/Uint8Array; booleans become 1/0.
 * No bigint: sqlite3 silently binds it as NULL.
 */
export type SqlValue = string | number | boolean | null | Uint8Array;

/** Positional (`?`) or named (`$name`, `:name`, `@name` — keys include the prefix) parameters. */
export type SqlParams = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

export interface SqlRunResult {
  /** rowid of the last inserted row (only meaningful after an INSERT). */
  readonly lastId: number;
  /** Rows changed by an INSERT, UPDATE or DELETE. */
  readonly changes: number;
}

/** Everything that can run SQL: the database itself, or the handle a transaction callback receives. */
export interface SqlExecutor {
  run(sql: string, params?: SqlParams): Promise<SqlRunResult>;
  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined>;
  all<Row>(sql: string, params?: SqlParams): Promise<Row[]>;
  /** Runs one or more statements without parameters (schema scripts). */
  exec(sql: string): Promise<void>;
}

export interface SqliteDatabaseOptions {
  /** How long a statement waits for another process's lock before failing with SQLITE_BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * NORMAL (default) survives a killed process in WAL mode; only a power cut can lose the last commits.
   * FULL also makes every commit durable across a power cut, at one extra fsync per commit.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

/** A database operation failed. `sqliteCode` is SQLite's own code (e.g. "SQLITE_BUSY"). */
export class DatabaseError extends ChorusError {
  readonly sqliteCode: string | undefined;

  constructor(message: string, sqliteCode: string | undefined, options?: { cause?: unknown }) {
    super('database', message, options);
    this.sqliteCode = sqliteCode;
  }
}

function sqliteCodeOf(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

function wrap(error: unknown, what: string, path: string): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new DatabaseError(`Database ${path}: ${what} failed (${detail}).`, sqliteCodeOf(error), { cause: error });
}

/** Copies parameters: sqlite3's typings want mutable values. */
function bindable(params: SqlParams | undefined): unknown[] | Record<string, unknown> {
  if (params === undefined) return [];
  if (Array.isArray(params)) return [...(params as readonly SqlValue[])];
  return { ...(params as Readonly<Record<string, SqlValue>>) };
}

/** Raw callback-to-promise calls on the connection, with no locking. */
class Connection implements SqlExecutor {
  readonly #db: sqlite3.Database;
  readonly #path: string;

  constructor(db: sqlite3.Database, path: string) {
    this.#db = db;
    this.#path = path;
  }

  run(sql: string, params?: SqlParams): Promise<SqlRunResult> {
    const path = this.#path;
    return new Promise<SqlRunResult>((resolve, reject) => {
      this.#db.run(sql, bindable(params), function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(wrap(error, `"${summary(sql)}"`, path));
        else resolve({ lastId: this.lastID, changes: this.changes });
      });
    });
  }

  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined> {
    return new Promise<Row | undefined>((resolve, reject) => {
      this.#db.get<Row>(sql, bindable(params), (error: Error | null, row: Row | undefined) => {
        if (error) reject(wrap(error, `"${summary(sql)}"`, this.#path));
        else resolve(row);
      });
    });
  }

  all<Row>(sql: string, params?: SqlParams): Promise<Row[]> {
    return new Promise<Row[]>((resolve, reject) => {
      this.#db.all<Row>(sql, bindable(params), (error: Error | null, rows: Row[]) => {
        if (error) reject(wrap(error, `"${summary(sql)}"`, this.#path));
        else resolve(rows);
      });
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#db.exec(sql, (error: Error | null) => {
        if (error) reject(wrap(error, `"${summary(sql)}"`, this.#path));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#db.close((error: Error | null) => {
        if (error) reject(wrap(error, 'close', this.#path));
        else resolve();
      });
    });
  }
}

function summary(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** The handle a transaction callback receives; it stops working once the transaction has ended. */
class TransactionHandle implements SqlExecutor {
  readonly #connection: Connection;
  #open = true;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  end(): void {
    this.#open = false;
  }

  #check(): void {
    if (!this.#open) {
      throw new DatabaseError('A statement was issued on a transaction that has already ended.', undefined);
    }
  }

  run(sql: string, params?: SqlParams): Promise<SqlRunResult> {
    this.#check();
    return this.#connection.run(sql, params);
  }

  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined> {
    this.#check();
    return this.#connection.get<Row>(sql, params);
  }

  all<Row>(sql: string, params?: SqlParams): Promise<Row[]> {
    this.#check();
    return this.#connection.all<Row>(sql, params);
  }

  exec(sql: string): Promise<void> {
    this.#check();
    return this.#connection.exec(sql);
  }
}

/**
 * A promise wrapper over one sqlite3 connection, opened in WAL mode with foreign keys on.
 *
 * A single connection is shared by every caller, so a transaction must not interleave with
 * unrelated statements: every operation takes a turn on an internal queue, and a transaction keeps
 * the turn until it commits or rolls back. Statements inside a transaction go through the handle
 * passed to the callback (calling the database itself from inside would wait forever).
 */
export class SqliteDatabase implements SqlExecutor {
  readonly path: string;
  /** The journal mode SQLite reports ("wal" for files; "memory" for ":memory:"). */
  readonly journalMode: string;
  readonly #connection: Connection;
  #tail: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(path: string, connection: Connection, journalMode: string) {
    this.path = path;
    this.#connection = connection;
    this.journalMode = journalMode;
  }

  static async open(path: string, options: SqliteDatabaseOptions = {}): Promise<SqliteDatabase> {
    const inMemory = path === ':memory:' || path === '';
    if (!inMemory) await mkdir(dirname(path), { recursive: true });
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(
        path,
        sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE,
        (error: Error | null) => (error ? reject(wrap(error, 'open', path)) : resolve(db)),
      );
    });
    const connection = new Connection(raw, path);
    try {
      const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
      // busy_timeout first, so that switching to WAL waits for another process instead of failing.
      await connection.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      const mode = await connection.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
      await connection.exec(`PRAGMA synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      await connection.exec('PRAGMA foreign_keys = ON');
      return new SqliteDatabase(path, connection, mode?.journal_mode ?? 'unknown');
    } catch (error) {
      await connection.close().catch(() => {});
      throw wrap(error, 'configure', path);
    }
  }

  /** Waits for the previous operation, then runs `work` with the connection to itself. */
  async #turn<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new DatabaseError(`Database ${this.path} is closed.`, undefined);
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      return await work();
    } finally {
      release();
    }
  }

  run(sql: string, params?: SqlParams): Promise<SqlRunResult> {
    return this.#turn(() => this.#connection.run(sql, params));
  }

  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined> {
    return this.#turn(() => this.#connection.get<Row>(sql, params));
  }

  all<Row>(sql: string, params?: SqlParams): Promise<Row[]> {
    return this.#turn(() => this.#connection.all<Row>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.#turn(() => this.#connection.exec(sql));
  }

  /**
   * Runs `work` inside BEGIN IMMEDIATE … COMMIT. IMMEDIATE takes the write lock up front, so two
   * processes cannot both read, decide and then deadlock upgrading to a write. If `work` throws, the
   * transaction is rolled back and the error rethrown.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#turn(async () => {
      await this.#connection.exec('BEGIN IMMEDIATE');
      const handle = new TransactionHandle(this.#connection);
      try {
        const result = await work(handle);
        handle.end();
        await this.#connection.exec('COMMIT');
        return result;
      } catch (error) {
        handle.end();
        // ROLLBACK fails harmlessly if SQLite already rolled back (e.g. after SQLITE_FULL).
        await this.#connection.exec('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /** Waits for queued work, then closes the connection. Further calls fail with DatabaseError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    const previous = this.#tail;
    this.#closed = true;
    await previous;
    await this.#connection.close();
  }
}
