import type { Platform, VoiceOwner } from '../voices/Voice.ts';
import type { ChatEvent } from './ChatEvent.ts';
import type { VoiceChooser } from './ChatPolicy.ts';

/** Voices a streamer bound to viewers (by platform user id), as voice ids. */
export interface ViewerVoiceBindings {
  boundVoiceId(viewer: VoiceOwner, scopeId: string | undefined): Promise<string | undefined>;
}

export interface ViewerVoiceChooserOptions {
  readonly bindings: ViewerVoiceBindings;
  /** Per platform, voice ids unbound viewers are spread over. Empty or absent: the inner chooser's answer. */
  readonly pools?: Readonly<Partial<Record<Platform, readonly string[]>>>;
  /** The id the inner chooser answers when a viewer chose nothing. */
  readonly defaultVoiceId: string;
}

/**
 * Per-viewer voices for live rooms: a voice the streamer bound to the viewer, else the viewer's own choice
 * (the inner chooser), else a voice picked from the streamer's pool by a hash of the viewer id — so each
 * regular sounds the same every time, across restarts, without anyone configuring them.
 */
export class ViewerVoiceChooser implements VoiceChooser {
  readonly #inner: VoiceChooser;
  readonly #options: ViewerVoiceChooserOptions;

  constructor(inner: VoiceChooser, options: ViewerVoiceChooserOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  async chooseVoice(event: ChatEvent): Promise<string> {
    if (event.voiceName !== undefined || event.eventType === 'system') return this.#inner.chooseVoice(event);
    const viewer = { platform: event.platform, userId: event.author.userId };
    const bound = await this.#options.bindings.boundVoiceId(viewer, event.scopeId);
    if (bound !== undefined) return bound;
    const chosen = await this.#inner.chooseVoice(event);
    const pool = this.#options.pools?.[event.platform];
    if (chosen !== this.#options.defaultVoiceId || pool === undefined || pool.length === 0) return chosen;
    return poolVoice(pool, `${event.platform}:${event.author.userId}`);
  }
}

/** The pool member for a viewer key: FNV-1a (32 bit) of the key, modulo the pool size. Stable across runs. */
export function poolVoice(pool: readonly string[], viewerKey: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(viewerKey)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return pool[hash % pool.length] as string;
}
