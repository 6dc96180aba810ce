import { encodeWav } from '../audio/WavWriter.ts';
import { float32ToInt16 } from '../audio/pcm.ts';
import type { DecodedClip } from '../audio/DecodedClip.ts';
import type { Language } from '../text/TextPart.ts';
import { decodeFeatures, encodeFeatures } from './featuresJson.ts';
import { migrate } from './migrations.ts';
import { SqliteDatabase, type SqlExecutor } from './SqliteDatabase.ts';
import type { ConsentRecord, EngineFeatures, Platform, Voice, VoiceOwner, VoiceScope } from './Voice.ts';
import { isVoiceId, newVoiceId, REFERENCE_FILE, VoiceFiles } from './VoiceFiles.ts';
import { normalizeTranscript } from './transcript.ts';
import { normalizeVoiceName } from './voiceName.ts';
import { VoiceInputError } from './VoiceInputError.ts';
import { VoiceNameTakenError } from './VoiceNameTakenError.ts';
import { VoiceNotFoundError } from './VoiceNotFoundError.ts';
import { VoicePermissionError } from './VoicePermissionError.ts';

/** Who is asking. `isManager` is set by the gateway for guild/room moderators (e.g. Discord Manage Server). */
export interface VoiceRequester extends VoiceOwner {
  readonly isManager?: boolean;
}

export interface RegisterVoiceInput {
  readonly name: string;
  readonly owner: VoiceOwner;
  readonly scope: VoiceScope;
  readonly language: Language;
  readonly transcript: string;
  /** The conditioned reference clip; stored as 16-bit mono WAV at its own sample rate. */
  readonly clip: DecodedClip;
  readonly features: EngineFeatures;
  readonly consent: ConsentRecord;
}

export interface VoiceListFilter {
  readonly owner?: VoiceOwner;
  readonly scopeKind?: VoiceScope['kind'];
  /** Only guild-scoped voices of this guild/room. */
  readonly guildId?: string;
  /** Also list voices whose reference clip went missing (hidden otherwise). */
  readonly includeUnavailable?: boolean;
}

export interface RecoveryReport {
  /** Voice directories deleted because no row referred to them (a registration that never committed). */
  readonly removedDirectories: readonly string[];
  /** Abandoned staging directories deleted. */
  readonly removedStaging: number;
  /** Voices whose reference clip is missing; hidden until the file is restored. */
  readonly missingFiles: readonly string[];
  /** Voices previously missing whose files are back. */
  readonly restored: readonly string[];
}

export interface VoiceRegistryOptions {
  /** Run the recovery pass when opening (default true). */
  readonly recover?: boolean;
  readonly busyTimeoutMs?: number;
}

interface VoiceRow {
  id: string;
  name: string;
  owner_platform: string;
  owner_user_id: string;
  scope_kind: string;
  scope_id: string | null;
  language: string;
  transcript: string;
  clip_path: string;
  clip_seconds: number;
  features: string;
  consent_by_platform: string;
  consent_by_user_id: string;
  consent_at: number;
  consent_statement: string;
  created_at: number;
  updated_at: number;
  state: string;
}

function scopeFromRow(row: VoiceRow): VoiceScope {
  if (row.scope_kind === 'guild' && row.scope_id !== null) return { kind: 'guild', guildId: row.scope_id };
  if (row.scope_kind === 'global') return { kind: 'global' };
  return { kind: 'private' };
}

function voiceFromRow(row: VoiceRow): Voice {
  return {
    id: row.id,
    name: row.name,
    owner: { platform: row.owner_platform as Platform, userId: row.owner_user_id },
    scope: scopeFromRow(row),
    language: row.language as Language,
    transcript: row.transcript,
    clipPath: row.clip_path,
    clipSeconds: row.clip_seconds,
    features: decodeFeatures(row.features),
    consent: {
      confirmedBy: { platform: row.consent_by_platform as Platform, userId: row.consent_by_user_id },
      confirmedAt: new Date(row.consent_at),
      statement: row.consent_statement,
    },
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function scopeColumns(scope: VoiceScope): { kind: string; id: string | null } {
  switch (scope.kind) {
    case 'guild':
      if (scope.guildId.trim() === '') throw new VoiceInputError('voice-scope-invalid', 'A guild-shared voice needs the guild or room id.');
      return { kind: 'guild', id: scope.guildId };
    case 'global':
      return { kind: 'global', id: null };
    case 'private':
      return { kind: 'private', id: null };
  }
}

function isOwner(row: VoiceRow, who: VoiceOwner): boolean {
  return row.owner_platform === who.platform && row.owner_user_id === who.userId;
}

/** May `who`, speaking in `scopeId`, use this voice? Own voices, voices shared with that guild, global voices. */
function isUsableBy(row: VoiceRow, who: VoiceOwner, scopeId: string | undefined): boolean {
  if (row.state !== 'ready') return false;
  if (isOwner(row, who)) return true;
  if (row.scope_kind === 'global') return true;
  return row.scope_kind === 'guild' && scopeId !== undefined && row.scope_id === scopeId;
}

function describeScope(scope: VoiceScope): string {
  switch (scope.kind) {
    case 'guild':
      return `shared in ${scope.guildId}`;
    case 'global':
      return 'shared with everyone';
    case 'private':
      return 'private';
  }
}

function metaOf(voice: Voice, sampleRate: number): Record<string, unknown> {
  return {
    note: 'Informational copy. The database is the source of truth for this voice.',
    id: voice.id,
    name: voice.name,
    owner: voice.owner,
    scope: voice.scope,
    language: voice.language,
    transcript: voice.transcript,
    clip: { file: REFERENCE_FILE, sampleRate, seconds: voice.clipSeconds, format: 'wav pcm_s16le mono' },
    consent: {
      confirmedBy: voice.consent.confirmedBy,
      confirmedAt: voice.consent.confirmedAt.toISOString(),
      statement: voice.consent.statement,
    },
    createdAt: voice.createdAt.toISOString(),
    updatedAt: voice.updatedAt.toISOString(),
  };
}

const SELECT_VOICE = 'SELECT * FROM voices';

/**
 * Registered voices: rows in SQLite, reference clips under the voices directory.
 *
 * Crash safety rests on one ordering. Registering writes the complete voice directory first (staged,
 * fsynced, renamed into place) and inserts the row inside the same IMMEDIATE transaction, committing
 * last; deleting removes the row first and the files after. So the only debris a killed process can
 * leave is a directory without a row, which the recovery pass at open deletes. Recovery holds the
 * write lock while it scans, so it never mistakes another live process's uncommitted registration
 * for debris.
 */
export class VoiceRegistry {
  readonly #db: SqliteDatabase;
  readonly #ownsDatabase: boolean;
  readonly #files: VoiceFiles;
  #lastRecovery: RecoveryReport | undefined;

  private constructor(db: SqliteDatabase, ownsDatabase: boolean, files: VoiceFiles) {
    this.#db = db;
    this.#ownsDatabase = ownsDatabase;
    this.#files = files;
  }

  /** Opens (creating if needed) the database and voices directory, migrates, and runs recovery. */
  static async open(dbPath: string, voicesDir: string, options: VoiceRegistryOptions = {}): Promise<VoiceRegistry> {
    // FULL: registrations are rare, and a user told "registered" should not lose the voice to a power cut.
    const db = await SqliteDatabase.open(dbPath, {
      synchronous: 'FULL',
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    });
    try {
      return await VoiceRegistry.#start(db, true, voicesDir, options);
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
  }

  /** Uses a database opened elsewhere (shared with other modules); `close()` leaves it open. */
  static attach(db: SqliteDatabase, voicesDir: string, options: VoiceRegistryOptions = {}): Promise<VoiceRegistry> {
    return VoiceRegistry.#start(db, false, voicesDir, options);
  }

  static async #start(db: SqliteDatabase, owns: boolean, voicesDir: string, options: VoiceRegistryOptions): Promise<VoiceRegistry> {
    await migrate(db);
    const files = new VoiceFiles(voicesDir);
    await files.prepare();
    const registry = new VoiceRegistry(db, owns, files);
    if (options.recover !== false) await registry.recover();
    return registry;
  }

  get voicesDir(): string {
    return this.#files.root;
  }

  /** What the last recovery pass did, if one ran. */
  get lastRecovery(): RecoveryReport | undefined {
    return this.#lastRecovery;
  }

  /** Absolute path of a voice's reference WAV. */
  referencePath(voice: Pick<Voice, 'id'>): string {
    return this.#files.referencePath(voice.id);
  }

  /**
   * Deletes half-registered voice directories and abandoned staging directories, and hides voices
   * whose reference clip is gone (showing them again if it came back).
   */
  async recover(): Promise<RecoveryReport> {
    const removedStaging = await this.#files.removeAbandonedStaging();
    const report = await this.#db.transaction(async (tx) => {
      const rows = await tx.all<{ id: string; state: string }>('SELECT id, state FROM voices');
      const known = new Set(rows.map((row) => row.id));
      const removedDirectories: string[] = [];
      for (const id of await this.#files.listVoiceDirectories()) {
        if (known.has(id)) continue;
        await this.#files.remove(id);
        removedDirectories.push(id);
      }
      const missingFiles: string[] = [];
      const restored: string[] = [];
      for (const row of rows) {
        const present = isVoiceId(row.id) && (await this.#files.hasReference(row.id));
        if (!present) {
          missingFiles.push(row.id);
          if (row.state !== 'missing-files') {
            await tx.run("UPDATE voices SET state = 'missing-files' WHERE id = ?", [row.id]);
          }
        } else if (row.state !== 'ready') {
          restored.push(row.id);
          await tx.run("UPDATE voices SET state = 'ready' WHERE id = ?", [row.id]);
        }
      }
      return { removedDirectories, removedStaging, missingFiles, restored };
    });
    this.#lastRecovery = report;
    return report;
  }

  async register(input: RegisterVoiceInput): Promise<Voice> {
    const name = normalizeVoiceName(input.name);
    const transcript = normalizeTranscript(input.transcript);
    const consent = input.consent as ConsentRecord | undefined;
    if (!consent || consent.statement.trim() === '' || Number.isNaN(consent.confirmedAt.getTime())) {
      throw new VoiceInputError('voice-consent-missing', 'A voice can only be registered with a recorded consent: who confirmed it, when, and what they confirmed.');
    }
    const { clip } = input;
    if (!(clip.sampleRate > 0) || !Number.isInteger(clip.sampleRate) || clip.samples.length === 0) {
      throw new VoiceInputError('voice-clip-invalid', 'The reference clip is empty or has no valid sample rate.');
    }
    const scope = scopeColumns(input.scope);
    if (await this.#nameTaken(this.#db, input.owner, name, undefined)) throw new VoiceNameTakenError(name);

    const id = newVoiceId();
    const now = new Date();
    const voice: Voice = {
      id,
      name,
      owner: { platform: input.owner.platform, userId: input.owner.userId },
      scope: input.scope,
      language: input.language,
      transcript,
      clipPath: `${id}/${REFERENCE_FILE}`,
      clipSeconds: clip.samples.length / clip.sampleRate,
      features: input.features,
      consent: input.consent,
      createdAt: now,
      updatedAt: now,
    };
    const featuresJson = encodeFeatures(input.features);
    const staged = await this.#files.stage({
      reference: encodeWav(float32ToInt16(clip.samples), clip.sampleRate, 1),
      meta: metaOf(voice, clip.sampleRate),
    });

    try {
      await this.#db.transaction(async (tx) => {
        if (await this.#nameTaken(tx, voice.owner, name, undefined)) throw new VoiceNameTakenError(name);
        await tx.run(
          `INSERT INTO voices (id, name, owner_platform, owner_user_id, scope_kind, scope_id, language, transcript,
             clip_path, clip_seconds, features, consent_by_platform, consent_by_user_id, consent_at, consent_statement,
             created_at, updated_at, state)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready')`,
          [
            id, name, voice.owner.platform, voice.owner.userId, scope.kind, scope.id, voice.language, transcript,
            voice.clipPath, voice.clipSeconds, featuresJson, voice.consent.confirmedBy.platform,
            voice.consent.confirmedBy.userId, voice.consent.confirmedAt.getTime(), voice.consent.statement,
            now.getTime(), now.getTime(),
          ],
        );
        // The directory appears while we hold the write lock; the row becomes visible at COMMIT.
        await this.#files.publish(staged, id);
      });
    } catch (error) {
      // The row was rolled back; the directory may be staged or already published (the id is fresh, so
      // nothing else can own it). Left-overs from a failure here are also caught by the next recovery.
      await this.#files.discard(staged).catch(() => {});
      await this.#files.remove(id).catch(() => {});
      throw error;
    }
    return voice;
  }

  async #nameTaken(db: SqlExecutor, owner: VoiceOwner, name: string, exceptId: string | undefined): Promise<boolean> {
    const row = await db.get<{ id: string }>(
      'SELECT id FROM voices WHERE owner_platform = ? AND owner_user_id = ? AND name = ? COLLATE NOCASE AND id IS NOT ?',
      [owner.platform, owner.userId, name, exceptId ?? null],
    );
    return row !== undefined;
  }

  async #row(db: SqlExecutor, id: string): Promise<VoiceRow | undefined> {
    if (!isVoiceId(id)) return undefined;
    return db.get<VoiceRow>(`${SELECT_VOICE} WHERE id = ?`, [id]);
  }

  /** The voice with this id, or undefined (also when its reference clip is missing). */
  async get(id: string): Promise<Voice | undefined> {
    const row = await this.#row(this.#db, id);
    return row && row.state === 'ready' ? voiceFromRow(row) : undefined;
  }

  /**
   * Resolves a name as `requester` would mean it when speaking in `scopeId`: their own voice first,
   * then one shared with that guild/room, then a global one. Among several shared voices of the same
   * name, the oldest wins (so a newcomer cannot take over a name others already use).
   */
  async findByName(name: string, requester: VoiceOwner, scopeId?: string): Promise<Voice | undefined> {
    let canonical: string;
    try {
      canonical = normalizeVoiceName(name);
    } catch {
      return undefined;
    }
    const row = await this.#db.get<VoiceRow>(
      `${SELECT_VOICE}
       WHERE state = 'ready' AND name = $name COLLATE NOCASE
         AND ((owner_platform = $platform AND owner_user_id = $user)
              OR (scope_kind = 'guild' AND scope_id = $scope)
              OR scope_kind = 'global')
       ORDER BY CASE WHEN owner_platform = $platform AND owner_user_id = $user THEN 0
                     WHEN scope_kind = 'guild' THEN 1 ELSE 2 END,
                created_at, id
       LIMIT 1`,
      { $name: canonical, $platform: requester.platform, $user: requester.userId, $scope: scopeId ?? null },
    );
    return row ? voiceFromRow(row) : undefined;
  }

  async list(filter: VoiceListFilter = {}): Promise<Voice[]> {
    const clauses: string[] = [];
    const params: Record<string, string> = {};
    if (!filter.includeUnavailable) clauses.push("state = 'ready'");
    if (filter.owner) {
      clauses.push('owner_platform = $platform AND owner_user_id = $user');
      params.$platform = filter.owner.platform;
      params.$user = filter.owner.userId;
    }
    if (filter.scopeKind) {
      clauses.push('scope_kind = $kind');
      params.$kind = filter.scopeKind;
    }
    if (filter.guildId !== undefined) {
      clauses.push("scope_kind = 'guild' AND scope_id = $guild");
      params.$guild = filter.guildId;
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = await this.#db.all<VoiceRow>(`${SELECT_VOICE} ${where} ORDER BY name COLLATE NOCASE, created_at, id`, params);
    return rows.map(voiceFromRow);
  }

  /** Every voice `requester` may speak with in `scopeId`: own first, then guild-shared, then global; by name within each. */
  async listUsable(requester: VoiceOwner, scopeId?: string): Promise<Voice[]> {
    const rows = await this.#db.all<VoiceRow>(
      `${SELECT_VOICE}
       WHERE state = 'ready'
         AND ((owner_platform = $platform AND owner_user_id = $user)
              OR (scope_kind = 'guild' AND scope_id = $scope)
              OR scope_kind = 'global')
       ORDER BY CASE WHEN owner_platform = $platform AND owner_user_id = $user THEN 0
                     WHEN scope_kind = 'guild' THEN 1 ELSE 2 END,
                name COLLATE NOCASE, created_at, id`,
      { $platform: requester.platform, $user: requester.userId, $scope: scopeId ?? null },
    );
    return rows.map(voiceFromRow);
  }

  async #requireOwned(tx: SqlExecutor, id: string, requester: VoiceOwner, action: 'rename' | 'share'): Promise<VoiceRow> {
    const row = await this.#row(tx, id);
    if (!row) throw new VoiceNotFoundError(id, 'That voice no longer exists.');
    if (!isOwner(row, requester)) {
      throw new VoicePermissionError(action, id, `Only the owner of "${row.name}" can ${action === 'rename' ? 'rename' : 'share or unshare'} it.`);
    }
    return row;
  }

  async rename(id: string, newName: string, requester: VoiceOwner): Promise<Voice> {
    const name = normalizeVoiceName(newName);
    const voice = await this.#db.transaction(async (tx) => {
      const row = await this.#requireOwned(tx, id, requester, 'rename');
      if (await this.#nameTaken(tx, requester, name, id)) throw new VoiceNameTakenError(name);
      const now = Date.now();
      await tx.run('UPDATE voices SET name = ?, updated_at = ? WHERE id = ?', [name, now, id]);
      return voiceFromRow({ ...row, name, updated_at: now });
    });
    await this.#refreshMeta(voice);
    return voice;
  }

  /** Shares a voice with a guild/room or everyone, or makes it private again. Owner only. */
  async setScope(id: string, scope: VoiceScope, requester: VoiceOwner): Promise<Voice> {
    const columns = scopeColumns(scope);
    const voice = await this.#db.transaction(async (tx) => {
      const row = await this.#requireOwned(tx, id, requester, 'share');
      const now = Date.now();
      await tx.run('UPDATE voices SET scope_kind = ?, scope_id = ?, updated_at = ? WHERE id = ?', [columns.kind, columns.id, now, id]);
      return voiceFromRow({ ...row, scope_kind: columns.kind, scope_id: columns.id, updated_at: now });
    });
    await this.#refreshMeta(voice);
    return voice;
  }

  /**
   * Stores one engine's features for a voice registered before that engine was in use (the engine analyses
   * the stored reference clip). A system operation: no requester, it changes nothing the owner chose.
   */
  async setEngineFeatures(id: string, engineId: string, engineFeatures: unknown): Promise<Voice> {
    return this.#db.transaction(async (tx) => {
      const row = await this.#row(tx, id);
      if (row === undefined) throw new VoiceNotFoundError(id);
      const features = { ...decodeFeatures(row.features), [engineId]: engineFeatures };
      const now = Date.now();
      const json = encodeFeatures(features);
      await tx.run('UPDATE voices SET features = ?, updated_at = ? WHERE id = ?', [json, now, id]);
      return voiceFromRow({ ...row, features: json, updated_at: now });
    });
  }

  /** meta.json is informational; failing to refresh it must not fail the change already committed. */
  async #refreshMeta(voice: Voice): Promise<void> {
    const sampleRate = await this.#files.referenceSampleRate(voice.id);
    await this.#files.rewriteMeta(voice.id, metaOf(voice, sampleRate)).catch(() => {});
  }

  /**
   * Deletes a voice: its row (and every selection of it), then its files. Allowed for the owner, and
   * for a manager of the guild/room the voice is shared in (`scopeId` is where the request was made).
   */
  async delete(id: string, requester: VoiceRequester, scopeId?: string): Promise<Voice> {
    const voice = await this.#db.transaction(async (tx) => {
      const row = await this.#row(tx, id);
      if (!row) throw new VoiceNotFoundError(id, 'That voice no longer exists.');
      const managerOfItsGuild =
        requester.isManager === true && row.scope_kind === 'guild' && scopeId !== undefined && row.scope_id === scopeId;
      if (!isOwner(row, requester) && !managerOfItsGuild) {
        const scope = describeScope(scopeFromRow(row));
        throw new VoicePermissionError(
          'delete',
          id,
          row.scope_kind === 'guild'
            ? `Only the owner of "${row.name}" or a manager of the server it is shared in can delete it.`
            : `Only the owner of "${row.name}" (${scope}) can delete it.`,
        );
      }
      await tx.run('DELETE FROM voices WHERE id = ?', [id]);
      return voiceFromRow(row);
    });
    // After COMMIT: a crash or I/O error here leaves a directory without a row, which recovery removes.
    await this.#files.remove(id).catch(() => {});
    return voice;
  }

  /** Makes `voiceId` the voice `user` speaks with in `scopeId` (undefined: everywhere without a more specific choice). */
  async selectVoice(user: VoiceOwner, scopeId: string | undefined, voiceId: string): Promise<Voice> {
    return this.#db.transaction(async (tx) => {
      const row = await this.#row(tx, voiceId);
      if (!row || row.state !== 'ready') throw new VoiceNotFoundError(voiceId, 'That voice no longer exists.');
      if (!isUsableBy(row, user, scopeId)) {
        throw new VoicePermissionError('use', voiceId, `"${row.name}" is not shared with you here, so you cannot speak with it.`);
      }
      await tx.run(
        `INSERT INTO voice_selection (platform, user_id, scope_id, voice_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (platform, user_id, scope_id) DO UPDATE SET voice_id = excluded.voice_id, updated_at = excluded.updated_at`,
        [user.platform, user.userId, scopeId ?? '', voiceId, Date.now()],
      );
      return voiceFromRow(row);
    });
  }

  /**
   * The voice `user` speaks with in `scopeId`: the selection made there, else the one made without a
   * scope. Undefined if none, or if the chosen voice is no longer usable there (unshared, files missing).
   */
  async selectedVoice(user: VoiceOwner, scopeId?: string): Promise<Voice | undefined> {
    const rows = await this.#db.all<VoiceRow & { selection_scope: string }>(
      `SELECT voices.*, voice_selection.scope_id AS selection_scope
       FROM voice_selection JOIN voices ON voices.id = voice_selection.voice_id
       WHERE voice_selection.platform = ? AND voice_selection.user_id = ? AND voice_selection.scope_id IN (?, '')
       ORDER BY voice_selection.scope_id = ''`,
      [user.platform, user.userId, scopeId ?? ''],
    );
    // The choice made here wins; if it is no longer usable (unshared), the general choice applies.
    const row = rows.find((candidate) => isUsableBy(candidate, user, scopeId));
    return row ? voiceFromRow(row) : undefined;
  }

  /** Forgets the selection `user` made in `scopeId`. Returns whether there was one. */
  async clearSelection(user: VoiceOwner, scopeId?: string): Promise<boolean> {
    const result = await this.#db.run('DELETE FROM voice_selection WHERE platform = ? AND user_id = ? AND scope_id = ?', [
      user.platform,
      user.userId,
      scopeId ?? '',
    ]);
    return result.changes > 0;
  }

  /** Whether `owner` already has a voice with this name (case-insensitive). Invalid names are never taken. */
  async isNameTaken(owner: VoiceOwner, name: string): Promise<boolean> {
    let canonical: string;
    try {
      canonical = normalizeVoiceName(name);
    } catch {
      return false;
    }
    return this.#nameTaken(this.#db, owner, canonical, undefined);
  }

  async close(): Promise<void> {
    if (this.#ownsDatabase) await this.#db.close();
  }
}
