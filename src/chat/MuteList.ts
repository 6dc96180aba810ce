import type { Platform } from '../voices/Voice.ts';

/** A viewer whose messages are not read, and who muted them when. */
export interface MutedViewer {
  readonly platform: Platform;
  readonly userId: string;
  readonly displayName: string;
  /** Milliseconds since the epoch. */
  readonly mutedAt: number;
}

/**
 * The viewers chat policy skips, changed at run time (the control page, moderator commands). Chat policy reads
 * `keys`, a live view in its `platform:userId` form, so a mute applies to the very next message.
 */
export class MuteList {
  readonly #viewers = new Map<string, MutedViewer>();
  readonly #keys = new Set<string>();

  /** The key chat policy looks viewers up by. */
  static keyOf(viewer: { readonly platform: Platform; readonly userId: string }): string {
    return `${viewer.platform}:${viewer.userId}`;
  }

  /** Live: reflects later mutes and unmutes. */
  get keys(): ReadonlySet<string> {
    return this.#keys;
  }

  /** Returns false when the viewer was already muted. */
  mute(viewer: { readonly platform: Platform; readonly userId: string; readonly displayName: string }, at = Date.now()): boolean {
    const key = MuteList.keyOf(viewer);
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    this.#viewers.set(key, { platform: viewer.platform, userId: viewer.userId, displayName: viewer.displayName, mutedAt: at });
    return true;
  }

  /** Returns false when the viewer was not muted. */
  unmute(viewer: { readonly platform: Platform; readonly userId: string }): boolean {
    const key = MuteList.keyOf(viewer);
    this.#viewers.delete(key);
    return this.#keys.delete(key);
  }

  has(viewer: { readonly platform: Platform; readonly userId: string }): boolean {
    return this.#keys.has(MuteList.keyOf(viewer));
  }

  /** Oldest mute first. */
  list(): MutedViewer[] {
    return [...this.#viewers.values()];
  }
}
