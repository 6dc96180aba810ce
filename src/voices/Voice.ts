import type { Language } from '../text/TextPart.ts';

export type Platform = 'discord' | 'bilibili' | 'console' | 'cli';

export interface VoiceOwner {
  readonly platform: Platform;
  readonly userId: string;
}

/** private: only the owner; guild: everyone in `scopeId` (a Discord guild or Bilibili room); global: everyone. */
export type VoiceScope =
  | { readonly kind: 'private' }
  | { readonly kind: 'guild'; readonly guildId: string }
  | { readonly kind: 'global' };

export interface ConsentRecord {
  /** Who confirmed that the voice is theirs or that they hold the speaker's consent. */
  readonly confirmedBy: VoiceOwner;
  readonly confirmedAt: Date;
  readonly statement: string;
}

/** Engine-specific features computed once at registration, keyed by engine id (e.g. "builtin"). */
export type EngineFeatures = Readonly<Record<string, unknown>>;

export interface Voice {
  readonly id: string;
  readonly name: string;
  readonly owner: VoiceOwner;
  readonly scope: VoiceScope;
  readonly language: Language;
  readonly transcript: string;
  /** Path of the normalised reference clip (WAV, mono), relative to the voices directory. */
  readonly clipPath: string;
  readonly clipSeconds: number;
  readonly features: EngineFeatures;
  readonly consent: ConsentRecord;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
