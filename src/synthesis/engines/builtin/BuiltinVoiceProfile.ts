/** Pitch statistics of the reference clip the profile was fitted to, kept so later versions can refit. */
export interface MeasuredPitch {
  readonly medianHz: number;
  readonly p5Hz: number;
  readonly p95Hz: number;
}

/**
 * What the builtin (espeak-ng) engine stores per voice in `Voice.features.builtin`. Versioned: profiles of an
 * unknown version are ignored (the voice then speaks with the stock voice) rather than misread.
 */
export interface BuiltinVoiceProfile {
  readonly version: 1;
  /** Stock espeak variant the profile starts from (e.g. "f2"), or "default" for the language's own voice. */
  readonly baseVariant: string;
  /** espeak's `pitch <base> <top>` numbers (roughly Hz; the rendered F0 is fitted, not assumed). */
  readonly pitchBase: number;
  readonly pitchTop: number;
  /** Multiplies the base variant's formant frequencies (vocal-tract length); 1 = unchanged. */
  readonly formantScale: number;
  /** Speaking rate relative to espeak's default; 1 = unchanged. */
  readonly speed: number;
  readonly measured?: MeasuredPitch;
}

export const DEFAULT_BASE_VARIANT = 'default';

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Reads a stored profile, or null when the value is not a valid version-1 profile. */
export function parseBuiltinVoiceProfile(value: unknown): BuiltinVoiceProfile | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (record['version'] !== 1) return null;
  const { baseVariant, pitchBase, pitchTop, formantScale, speed, measured } = record;
  if (typeof baseVariant !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(baseVariant)) return null;
  if (!isFiniteNumber(pitchBase) || !isFiniteNumber(pitchTop) || pitchBase <= 0 || pitchTop < pitchBase) return null;
  if (!isFiniteNumber(formantScale) || formantScale <= 0 || !isFiniteNumber(speed) || speed <= 0) return null;
  const profile: BuiltinVoiceProfile = { version: 1, baseVariant, pitchBase, pitchTop, formantScale, speed };
  if (typeof measured === 'object' && measured !== null) {
    const { medianHz, p5Hz, p95Hz } = measured as Record<string, unknown>;
    if (isFiniteNumber(medianHz) && isFiniteNumber(p5Hz) && isFiniteNumber(p95Hz)) {
      return { ...profile, measured: { medianHz, p5Hz, p95Hz } };
    }
  }
  return profile;
}

/**
 * espeak variant name for a profile: a hash of everything that shapes the sound, so equal profiles share
 * one variant file and a changed profile never reuses a stale one.
 */
export function variantNameFor(profile: BuiltinVoiceProfile): string {
  const key = [profile.version, profile.baseVariant, profile.pitchBase, profile.pitchTop, profile.formantScale, profile.speed].join('|');
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `chorus-${hash.toString(16).padStart(8, '0')}`;
}
