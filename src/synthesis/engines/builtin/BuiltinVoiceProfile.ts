import { THIRD_OCTAVE_CENTRES_HZ } from '../../../audio/analysis/thirdOctaveBands.ts';

/** Pitch statistics of the reference clip the profile was fitted to, kept so later versions can refit. */
export interface MeasuredPitch {
  readonly medianHz: number;
  readonly p5Hz: number;
  readonly p95Hz: number;
}

/** Why a clip measured badly; each code becomes a sentence in the registration reply. */
export type ClipMeasurementProblem =
  /** Under ~2 s of clearly voiced speech: pitch and colour statistics are rough. */
  | 'little-voiced-speech'
  /** p5–p95 pitch range under 3 semitones: read flat, or a pitch tracker struggling with noise. */
  | 'monotone'
  /** Almost nothing above 4 kHz: a phone, Bluetooth headset or heavy noise suppression. */
  | 'muffled'
  /** The vocal-tract estimate was unstable, so the voice's formants were left at the base voice's. */
  | 'vocal-tract-uncertain';

/** What registration measured on the reference clip (everything the registration reply talks about). */
export interface ReferenceMeasurements extends MeasuredPitch {
  readonly voicedSeconds: number;
  /** Syllable nuclei per second of speech, or null when none were found. */
  readonly syllablesPerSecond: number | null;
  /** Median F1–F3 (Hz) at the most stable formant ceiling, or null when formants could not be tracked. */
  readonly formantsHz: readonly [number, number, number] | null;
  /** Reference formants ÷ base-voice formants before shrinking and clamping (1 = same vocal tract). */
  readonly vocalTractRatio: number | null;
  /** 0–1: how far the vocal-tract ratio can be trusted (agreement across formant ceilings, frame count). */
  readonly vocalTractConfidence: number;
  /** Long-term spectrum slope from 500 Hz to 6.4 kHz in dB per octave: higher (less negative) = brighter. */
  readonly tiltDbPerOctave: number;
  readonly problems: readonly ClipMeasurementProblem[];
}

/** How close the fitted voice came, measured on its calibration render with the same estimators. */
export interface FitReport {
  /** |fitted − reference| median F0, semitones. */
  readonly medianErrorSemitones: number;
  /** |fitted − reference| p5–p95 range, semitones. */
  readonly rangeErrorSemitones: number;
  /** Long-term-spectrum distance (dB RMS over 1/3-octave bands) of the fitted voice with its EQ. */
  readonly spectrumDistanceDb: number;
  /** The same distance for espeak's stock voice: how far the starting point was. */
  readonly stockSpectrumDistanceDb: number;
}

interface ProfileCore {
  /** Stock espeak variant the profile starts from (e.g. "f2"), or "default" for the language's own voice. */
  readonly baseVariant: string;
  /** espeak's `pitch <base> <top>` numbers (roughly Hz; the rendered F0 is fitted, not assumed). */
  readonly pitchBase: number;
  readonly pitchTop: number;
  /** Multiplies the base variant's formant frequencies (vocal-tract length); 1 = unchanged. */
  readonly formantScale: number;
  /** Speaking rate relative to espeak's default; 1 = unchanged. */
  readonly speed: number;
}

export interface BuiltinVoiceProfileV1 extends ProfileCore {
  readonly version: 1;
  readonly measured?: MeasuredPitch;
}

/** Version 2 adds a static equaliser (applied to espeak's output while streaming) and the measurements. */
export interface BuiltinVoiceProfileV2 extends ProfileCore {
  readonly version: 2;
  /** Gain in dB per 1/3-octave band (THIRD_OCTAVE_CENTRES_HZ), 19 values; all 0 = no EQ. */
  readonly eqDb: readonly number[];
  readonly measured: ReferenceMeasurements;
  readonly fit: FitReport;
}

/**
 * Widening (or narrowing) of espeak's pitch range after synthesis, in log-F0 around a centre: for what
 * espeak's own pitch band cannot do without redrawing Mandarin tones (see PsolaPitchStretcher).
 */
export interface PitchStretch {
  /** F0 (Hz) that stays put: the fitted voice's median. */
  readonly centreHz: number;
  /** Semitone distances from the centre are multiplied by this (above the centre only, if `factorBelow` is set). */
  readonly factor: number;
  /** Version 4: its own factor for F0 below the centre (a reference whose pitch reaches further up than down). */
  readonly factorBelow?: number;
}

/** Version 3 adds an optional pitch-range stretch applied to espeak's output before the EQ. */
export interface BuiltinVoiceProfileV3 extends Omit<BuiltinVoiceProfileV2, 'version'> {
  readonly version: 3;
  /** null = espeak's own pitch range is used as is. */
  readonly pitchStretch: PitchStretch | null;
}

/**
 * Version 4 has the shape of version 3, but its pitch stretch may carry a separate factor below the centre
 * (versions 3 readers would apply the upper factor to both sides, so the version changes).
 */
export interface BuiltinVoiceProfileV4 extends Omit<BuiltinVoiceProfileV3, 'version'> {
  readonly version: 4;
}

/**
 * What the builtin (espeak-ng) engine stores per voice in `Voice.features.builtin` (about 1 KB of JSON).
 * Versioned: versions 1–3 are still read as they are (no migration; what they lack is
 * simply not applied); profiles of an unknown version are ignored (the voice then speaks with the stock
 * voice) rather than misread.
 */
export type BuiltinVoiceProfile = BuiltinVoiceProfileV1 | BuiltinVoiceProfileV2 | BuiltinVoiceProfileV3 | BuiltinVoiceProfileV4;

/** Stretch factors the fit never leaves; beyond them the value is treated as corrupt. */
export const PITCH_STRETCH_LIMITS = [0.5, 2.5] as const;

export const DEFAULT_BASE_VARIANT = 'default';
export const EQ_BAND_COUNT = THIRD_OCTAVE_CENTRES_HZ.length;
const PROBLEMS: readonly ClipMeasurementProblem[] = ['little-voiced-speech', 'monotone', 'muffled', 'vocal-tract-uncertain'];

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function parseCore(record: Record<string, unknown>): ProfileCore | null {
  const { baseVariant, pitchBase, pitchTop, formantScale, speed } = record;
  if (typeof baseVariant !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(baseVariant)) return null;
  if (!isFiniteNumber(pitchBase) || !isFiniteNumber(pitchTop) || pitchBase <= 0 || pitchTop < pitchBase) return null;
  if (!isFiniteNumber(formantScale) || formantScale <= 0 || !isFiniteNumber(speed) || speed <= 0) return null;
  return { baseVariant, pitchBase, pitchTop, formantScale, speed };
}

function parsePitch(value: unknown): MeasuredPitch | null {
  const record = asRecord(value);
  if (record === null) return null;
  const { medianHz, p5Hz, p95Hz } = record;
  return isFiniteNumber(medianHz) && isFiniteNumber(p5Hz) && isFiniteNumber(p95Hz) ? { medianHz, p5Hz, p95Hz } : null;
}

function parseMeasurements(value: unknown): ReferenceMeasurements | null {
  const record = asRecord(value);
  const pitch = parsePitch(value);
  if (record === null || pitch === null) return null;
  const { voicedSeconds, syllablesPerSecond, formantsHz, vocalTractRatio, vocalTractConfidence, tiltDbPerOctave, problems } = record;
  if (!isFiniteNumber(voicedSeconds) || !isFiniteNumber(vocalTractConfidence) || !isFiniteNumber(tiltDbPerOctave)) return null;
  if (syllablesPerSecond !== null && !isFiniteNumber(syllablesPerSecond)) return null;
  if (vocalTractRatio !== null && !isFiniteNumber(vocalTractRatio)) return null;
  let formants: readonly [number, number, number] | null = null;
  if (formantsHz !== null) {
    if (!Array.isArray(formantsHz) || formantsHz.length !== 3 || !formantsHz.every(isFiniteNumber)) return null;
    formants = [formantsHz[0] as number, formantsHz[1] as number, formantsHz[2] as number];
  }
  if (!Array.isArray(problems)) return null;
  // Unknown problem codes (from a newer version) are dropped rather than failing the whole profile.
  const known = problems.filter((problem): problem is ClipMeasurementProblem => PROBLEMS.includes(problem as ClipMeasurementProblem));
  return { ...pitch, voicedSeconds, syllablesPerSecond, formantsHz: formants, vocalTractRatio, vocalTractConfidence, tiltDbPerOctave, problems: known };
}

function parseFit(value: unknown): FitReport | null {
  const record = asRecord(value);
  if (record === null) return null;
  const { medianErrorSemitones, rangeErrorSemitones, spectrumDistanceDb, stockSpectrumDistanceDb } = record;
  if (![medianErrorSemitones, rangeErrorSemitones, spectrumDistanceDb, stockSpectrumDistanceDb].every(isFiniteNumber)) return null;
  return {
    medianErrorSemitones: medianErrorSemitones as number,
    rangeErrorSemitones: rangeErrorSemitones as number,
    spectrumDistanceDb: spectrumDistanceDb as number,
    stockSpectrumDistanceDb: stockSpectrumDistanceDb as number,
  };
}

const isStretchFactor = (value: unknown): value is number => isFiniteNumber(value) && value >= PITCH_STRETCH_LIMITS[0] && value <= PITCH_STRETCH_LIMITS[1];

/** Version 3 stretches have one factor (a `factorBelow` there is not ours and is dropped); version 4 may have two. */
function parseStretch(value: unknown, version: 3 | 4): PitchStretch | null | undefined {
  if (value === null) return null;
  const record = asRecord(value);
  if (record === null) return undefined;
  const { centreHz, factor, factorBelow } = record;
  if (!isFiniteNumber(centreHz) || centreHz < 30 || centreHz > 1000) return undefined;
  if (!isStretchFactor(factor)) return undefined;
  if (version === 3 || factorBelow === undefined) return { centreHz, factor };
  return isStretchFactor(factorBelow) ? { centreHz, factor, factorBelow } : undefined;
}

/** Reads a stored profile (version 1 to 4), or null when the value is not a valid profile. */
export function parseBuiltinVoiceProfile(value: unknown): BuiltinVoiceProfile | null {
  const record = asRecord(value);
  if (record === null) return null;
  const core = parseCore(record);
  if (core === null) return null;
  if (record['version'] === 1) {
    const measured = parsePitch(record['measured']);
    return measured === null ? { version: 1, ...core } : { version: 1, ...core, measured };
  }
  const version = record['version'];
  if (version === 2 || version === 3 || version === 4) {
    const { eqDb } = record;
    // EQ gains beyond ±24 dB are not something the fit produces: treat as corrupt rather than blast the listener.
    if (!Array.isArray(eqDb) || eqDb.length !== EQ_BAND_COUNT || !eqDb.every((gain) => isFiniteNumber(gain) && Math.abs(gain) <= 24)) return null;
    const measured = parseMeasurements(record['measured']);
    const fit = parseFit(record['fit']);
    if (measured === null || fit === null) return null;
    if (version === 2) return { version: 2, ...core, eqDb: eqDb as number[], measured, fit };
    const pitchStretch = parseStretch(record['pitchStretch'], version);
    if (pitchStretch === undefined) return null;
    return { version, ...core, eqDb: eqDb as number[], measured, fit, pitchStretch };
  }
  return null;
}

/** The EQ a profile asks for, or null when it has none (version 1, or all bands at 0 dB). */
export function equaliserOf(profile: BuiltinVoiceProfile): readonly number[] | null {
  if (profile.version === 1 || profile.eqDb.every((gain) => gain === 0)) return null;
  return profile.eqDb;
}

/** The pitch stretch a profile asks for, or null when it has none (versions 1 and 2, or factors of 1). */
export function pitchStretchOf(profile: BuiltinVoiceProfile): PitchStretch | null {
  if ((profile.version !== 3 && profile.version !== 4) || profile.pitchStretch === null) return null;
  const { factor, factorBelow } = profile.pitchStretch;
  return factor === 1 && (factorBelow ?? 1) === 1 ? null : profile.pitchStretch;
}

/**
 * espeak variant name for a profile: a hash of everything that shapes espeak's sound, so equal profiles
 * share one variant file and a changed profile never reuses a stale one. (The EQ runs after espeak.)
 */
export function variantNameFor(profile: BuiltinVoiceProfile): string {
  const key = [1, profile.baseVariant, profile.pitchBase, profile.pitchTop, profile.formantScale, profile.speed].join('|');
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `chorus-${hash.toString(16).padStart(8, '0')}`;
}
