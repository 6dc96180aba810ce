import type { SqlExecutor } from '../voices/SqliteDatabase.ts';
import type { Platform } from '../voices/Voice.ts';
import type { MutedViewer } from './MuteList.ts';

/**
 * The mutes of a MuteList kept in the Chorus database (table `viewer_mutes`, migration 4), so a viewer a
 * moderator muted stays muted after a restart. Discord's per-guild mutes live in GuildStore instead:
 * they belong to a guild and its moderators, these to the streamer's own control page and console.
 */
export class ViewerMuteStore {
  readonly #db: SqlExecutor;

  /** `db` must be migrated (opening a VoiceRegistry on the same file does it). */
  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  /** Oldest mute first. */
  async list(): Promise<MutedViewer[]> {
    const rows = await this.#db.all<{ platform: Platform; user_id: string; display_name: string; muted_at: number }>('SELECT platform, user_id, display_name, muted_at FROM viewer_mutes ORDER BY muted_at, platform, user_id');
    return rows.map((row) => ({ platform: row.platform, userId: row.user_id, displayName: row.display_name, mutedAt: row.muted_at }));
  }

  async save(viewer: MutedViewer): Promise<void> {
    await this.#db.run(
      'INSERT INTO viewer_mutes (platform, user_id, display_name, muted_at) VALUES (?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET display_name = excluded.display_name, muted_at = excluded.muted_at',
      [viewer.platform, viewer.userId, viewer.displayName, viewer.mutedAt],
    );
  }

  async remove(viewer: { readonly platform: Platform; readonly userId: string }): Promise<void> {
    await this.#db.run('DELETE FROM viewer_mutes WHERE platform = ? AND user_id = ?', [viewer.platform, viewer.userId]);
  }
}
