import { randomBytes } from 'node:crypto';
import type { Language } from '../../text/TextPart.ts';
import type { InspectedClip } from '../../voices/VoiceEnrollment.ts';

/** A /clone waiting for its caller to confirm consent; nothing of it is stored until then. */
export interface PendingClone {
  readonly userId: string;
  readonly guildId: string;
  readonly name: string;
  readonly transcript: string;
  readonly language: Language;
  /** The decoded clip, already accepted by the clip policy. */
  readonly inspected: InspectedClip;
  readonly expiresAt: number;
}

export const CONSENT_STATEMENT =
  'Confirmed with the /clone consent button: the voice in this clip is my own, or its speaker agreed to it being cloned.';

/** Button custom ids: `clone:yes:<token>` / `clone:no:<token>`. */
export function consentCustomId(answer: 'yes' | 'no', token: string): string {
  return `clone:${answer}:${token}`;
}

export function parseConsentCustomId(customId: string): { readonly answer: 'yes' | 'no'; readonly token: string } | undefined {
  const match = /^clone:(yes|no):([a-f0-9]{32})$/.exec(customId);
  return match ? { answer: match[1] as 'yes' | 'no', token: match[2] as string } : undefined;
}

/** Pending /clone uploads in memory, keyed by an unguessable token; each expires (default after 10 minutes). */
export class CloneConsent {
  readonly #pending = new Map<string, PendingClone>();
  readonly #ttlMs: number;

  constructor(ttlMs = 10 * 60_000) {
    this.#ttlMs = ttlMs;
  }

  add(clone: Omit<PendingClone, 'expiresAt'>): string {
    this.#sweep();
    // One pending clone per user: a new /clone replaces the old one.
    for (const [token, pending] of this.#pending) if (pending.userId === clone.userId) this.#pending.delete(token);
    const token = randomBytes(16).toString('hex');
    this.#pending.set(token, { ...clone, expiresAt: Date.now() + this.#ttlMs });
    return token;
  }

  /** Removes and returns the pending clone if `userId` started it and it has not expired. */
  take(token: string, userId: string): PendingClone | 'expired' | 'not-yours' {
    this.#sweep();
    const pending = this.#pending.get(token);
    if (pending === undefined) return 'expired';
    if (pending.userId !== userId) return 'not-yours';
    this.#pending.delete(token);
    return pending;
  }

  get size(): number {
    return this.#pending.size;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [token, pending] of this.#pending) if (pending.expiresAt <= now) this.#pending.delete(token);
  }
}
