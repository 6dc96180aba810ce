import type { SqlExecutor } from './SqliteDatabase.ts';
import type { VoiceOwner } from './Voice.ts';

/** One binding as listed by `chorus bili bindings`. */
export interface ViewerVoiceBinding {
  readonly viewerId: string;
  /** The room it applies in; undefined: every room. */
  readonly scopeId: string | undefined;
  readonly voiceId: string;
  readonly voiceName: string;
}

/**
 * Voices a streamer gives to viewers of a live room (table `viewer_voice_binding`, migration 3). Unlike a
 * viewer's own selection, the streamer chooses; the caller checks the streamer may use the voice (resolve it
 * with `VoiceRegistry.findByName` as the streamer). A deleted voice takes its bindings with it (ON DELETE CASCADE).
 */
export class ViewerVoiceBindings {
  readonly #db: SqlExecutor;

  /** `db` must be migrated (opening a VoiceRegistry on the same file does it). */
  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async bind(viewer: VoiceOwner, scopeId: string | undefined, voiceId: string, boundBy: VoiceOwner): Promise<void> {
    await this.#db.run(
      `INSERT INTO viewer_voice_binding (platform, viewer_id, scope_id, voice_id, bound_by_platform, bound_by_user_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (platform, viewer_id, scope_id) DO UPDATE SET voice_id = excluded.voice_id, bound_by_platform = excluded.bound_by_platform,
         bound_by_user_id = excluded.bound_by_user_id, updated_at = excluded.updated_at`,
      [viewer.platform, viewer.userId, scopeId ?? '', voiceId, boundBy.platform, boundBy.userId, Date.now()],
    );
  }

  /** The voice bound to `viewer` in `scopeId`, else in every room; undefined if none or the voice is unavailable. */
  async boundVoiceId(viewer: VoiceOwner, scopeId?: string): Promise<string | undefined> {
    const row = await this.#db.get<{ voice_id: string }>(
      `SELECT b.voice_id FROM viewer_voice_binding AS b JOIN voices ON voices.id = b.voice_id
       WHERE b.platform = ? AND b.viewer_id = ? AND b.scope_id IN (?, '') AND voices.state = 'ready'
       ORDER BY b.scope_id = '' LIMIT 1`,
      [viewer.platform, viewer.userId, scopeId ?? ''],
    );
    return row?.voice_id;
  }

  /** Returns whether there was a binding to remove. */
  async unbind(viewer: VoiceOwner, scopeId?: string): Promise<boolean> {
    const result = await this.#db.run('DELETE FROM viewer_voice_binding WHERE platform = ? AND viewer_id = ? AND scope_id = ?', [viewer.platform, viewer.userId, scopeId ?? '']);
    return result.changes > 0;
  }

  async list(platform: VoiceOwner['platform']): Promise<ViewerVoiceBinding[]> {
    const rows = await this.#db.all<{ viewer_id: string; scope_id: string; voice_id: string; name: string }>(
      `SELECT b.viewer_id, b.scope_id, b.voice_id, voices.name FROM viewer_voice_binding AS b JOIN voices ON voices.id = b.voice_id
       WHERE b.platform = ? ORDER BY b.viewer_id, b.scope_id`,
      [platform],
    );
    return rows.map((row) => ({ viewerId: row.viewer_id, scopeId: row.scope_id === '' ? undefined : row.scope_id, voiceId: row.voice_id, voiceName: row.name }));
  }
}
