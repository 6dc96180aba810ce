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
export type MuteChange = { readonly kind: 'mute'; readonly viewer: MutedViewer } | { readonly kind: 'unmute'; readonly viewer: { readonly platform: Platform; readonly userId: string } };

export interface MuteListOptions {
  /** Mutes from before (a store), oldest first; restoring them is not a change. */
  readonly restored?: readonly MutedViewer[];
  /** Called after every mute and unmute that changed the list (to persist it). */
  readonly onChange?: (change: MuteChange) => void;
}

export class MuteList {
  readonly #viewers = new Map<string, MutedViewer>();
  readonly #keys = new Set<string>();
  readonly #onChange: ((change: MuteChange) => void) | undefined;

  constructor(options: MuteListOptions = {}) {
    this.#onChange = options.onChange;
    for (const viewer of options.restored ?? []) {
      const key = MuteList.keyOf(viewer);
      this.#keys.add(key);
      this.#viewers.set(key, viewer);
    }
  }

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
    const muted: MutedViewer = { platform: viewer.platform, userId: viewer.userId, displayName: viewer.displayName, mutedAt: at };
    this.#viewers.set(key, muted);
    this.#onChange?.({ kind: 'mute', viewer: muted });
    return true;
  }

  /** Returns false when the viewer was not muted. */
  unmute(viewer: { readonly platform: Platform; readonly userId: string }): boolean {
    const key = MuteList.keyOf(viewer);
    this.#viewers.delete(key);
    if (!this.#keys.delete(key)) return false;
    this.#onChange?.({ kind: 'unmute', viewer: { platform: viewer.platform, userId: viewer.userId } });
    return true;
  }

  has(viewer: { readonly platform: Platform; readonly userId: string }): boolean {
    return this.#keys.has(MuteList.keyOf(viewer));
  }

  /** Oldest mute first. */
  list(): MutedViewer[] {
    return [...this.#viewers.values()];
  }
}
