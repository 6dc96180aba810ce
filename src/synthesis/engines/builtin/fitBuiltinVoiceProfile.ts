import type { DecodedClip } from '../../../audio/DecodedClip.ts';
import { decimate } from '../../../audio/analysis/decimate.ts';
import { robustFormants } from '../../../audio/analysis/formants.ts';
import { longTermSpectrum, spectrumDistanceDb } from '../../../audio/analysis/longTermSpectrum.ts';
import { meanCepstrum, melCepstralDistanceDb, mfccFrames } from '../../../audio/analysis/mfcc.ts';
import { sincResample } from '../../../audio/analysis/sincResample.ts';
import { type PitchStatistics, pitchStatistics } from '../../../audio/analysis/pitchStatistics.ts';
import { speakingRate } from '../../../audio/analysis/speakingRate.ts';
import { THIRD_OCTAVE_CENTRES_HZ } from '../../../audio/analysis/thirdOctaveBands.ts';
import { isVoicedAt, voicingTrack } from '../../../audio/analysis/voicing.ts';
import { yin } from '../../../audio/analysis/Yin.ts';
import { int16ToFloat32 } from '../../../audio/pcm.ts';
import type { Language } from '../../../text/TextPart.ts';
import {
  type BuiltinVoiceProfile,
  type BuiltinVoiceProfileV4,
  type ClipMeasurementProblem,
  DEFAULT_BASE_VARIANT,
  type PitchStretch,
  type ReferenceMeasurements,
} from './BuiltinVoiceProfile.ts';
import { CALIBRATION_TEXT_BY_LANGUAGE, SPECTRUM_CALIBRATION_TEXT_BY_LANGUAGE } from './espeakVoices.ts';
import { estimateVocalTract } from './estimateVocalTract.ts';
import { fitEqualiserGains } from './fitEqualiser.ts';
import { NoVoicedSpeechError } from './NoVoicedSpeechError.ts';
import { DEFAULT_REFERENCE_LANGUAGE } from './referenceLanguageOf.ts';
import { StreamingEqualiser } from './StreamingEqualiser.ts';
import { StreamingVoiceShaper } from './StreamingVoiceShaper.ts';

/** Renders text with a profile (null = stock voice) to mono 16-bit PCM at `sampleRate`, without the EQ. */
export interface ProfileRenderer {
  readonly sampleRate: number;
  render(profile: BuiltinVoiceProfile | null, language: Language, text: string): Int16Array;
}

/** Median F0 above which a stock female variant is the base: scaling a male formant voice that far sounds wrong. */
export const FEMALE_BASE_THRESHOLD_HZ = 160;
export const FEMALE_BASE_VARIANT = 'f2';
/** espeak speed is nudged toward the reference's syllable rate only this far: the rate measure is noisy. */
export const SPEED_RANGE = [0.8, 1.25] as const;

/**
 * Widest espeak pitch spread (ln(top ÷ base)) for Mandarin: 1.6 × the `cmn-latn-pinyin` voice's own
 * `pitch 80 118`. espeak draws the four tones inside that band; a much wider one (a low, lively English
 * reference gave 40–120 Hz) distorts the tone shapes listeners need (tone-contour correlation with stock
 * espeak fell to 0.90), so Mandarin keeps the tones and gives up some range. Measured on the voice-matching
 * bench: 1.3× keeps correlation ≥ 0.96 but misses the range by ~3 st; 1.6× still keeps ≥ 0.96 and halves that.
 */
export const MANDARIN_MAX_PITCH_SPREAD = 1.6 * Math.log(118 / 80);
const MAX_PITCH_SPREAD: Readonly<Record<Language, number>> = { en: Math.log(3), zh: MANDARIN_MAX_PITCH_SPREAD };

/**
 * The range espeak's band could not reach is made up after synthesis by a log-F0 stretch around the median
 * (PsolaPitchStretcher), which keeps contour shapes. Only used when the band misses the range by more than
 * MIN_PITCH_STRETCH (≈ 0.4 st on a 7 st range), and within these factors.
 */
const MIN_PITCH_STRETCH = 1.06;
/**
 * Mandarin is stretched when its capped band misses the range by more than this (semitones), and then only
 * above the median, by MANDARIN_MAX_UPPER_STRETCH: the stretch bends tones in their creaky low ends, not in
 * the clean upper ones (libri/zh, tone correlation with stock espeak: 1.2 on both halves 0.945, 1.6 above and
 * 1 below 0.954 with a wider range; 1.34 on both halves once gave 0.91), and measured by the fit's own
 * estimator the stretched render still falls short of the reference's range by ~2 st, so the cap is where a
 * closer fit would end anyway.
 */
const MANDARIN_STRETCH_FROM_SEMITONES = 2;
const MANDARIN_MAX_UPPER_STRETCH = 1.6;
/**
 * A Mandarin render is also stretched above the median when the reference reaches clearly further up than
 * down from its median (by more than MANDARIN_SKEWED_REFERENCE_SEMITONES) and the render's upper half falls
 * short by more than MANDARIN_SKEW_FROM_SEMITONES. espeak's tones sit about symmetrically around their
 * median, but lively read speech need not (the female alsa reference: +5.3 st, −2.6 st): its highest tones,
 * and the long-term spectrum's band around 250 Hz that their fundamental fills, stayed out of reach (LTAS
 * 3.6–3.8 dB, target 3.5). That factor stays within MANDARIN_MAX_SKEW (1.25 above: tone correlation 0.958;
 * 1.4 above and 0.8 below: 0.93). The reference must be skewed itself: a render skewed downward alone (creaky
 * low tone ends of a symmetric male voice) is no reason to stretch (tidigits/zh: tone correlation 0.98 → 0.94).
 */
const MANDARIN_SKEWED_REFERENCE_SEMITONES = 1.5;
const MANDARIN_SKEW_FROM_SEMITONES = 1;
const MANDARIN_MAX_SKEW = 1.25;
export const PITCH_STRETCH_RANGE: Readonly<Record<Language, readonly [number, number]>> = { en: [0.75, 1.8], zh: [1, MANDARIN_MAX_UPPER_STRETCH] };

const PITCH_OPTIONS = { minFrequencyHz: 60, maxFrequencyHz: 500, hopSeconds: 0.01 } as const;
const ANALYSIS_RATE_HZ = 16000;

/** Pitch statistics of float PCM with the same estimator for references and renders. */
export function measurePitch(samples: Float32Array, sampleRate: number): PitchStatistics | null {
  const factor = Math.max(1, Math.floor(sampleRate / ANALYSIS_RATE_HZ));
  return pitchStatistics(yin(decimate(samples, factor), sampleRate / factor, PITCH_OPTIONS));
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Everything the estimators need from one signal, computed once. */
interface Analysed {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly include: (seconds: number) => boolean;
  readonly voicedSeconds: number;
  /** Same estimator as measurePitch (the voicing track is that YIN track). */
  readonly pitch: PitchStatistics | null;
}

function analysed(samples: Float32Array, sampleRate: number): Analysed {
  const track = voicingTrack(samples, sampleRate, PITCH_OPTIONS);
  let voiced = 0;
  for (const hz of track.f0) if (hz > 0) voiced += 1;
  return { samples, sampleRate, include: (seconds) => isVoicedAt(track, seconds), voicedSeconds: voiced * track.hopSeconds, pitch: pitchStatistics(track.f0) };
}

/**
 * 150 ms frames: the low third-octave bands are only 23–65 Hz wide, and a 40 ms window's main lobe (±50 Hz)
 * smears a strong fundamental into the neighbouring band — for a female voice around 190 Hz the 250 Hz band
 * read 7 dB too high, so the EQ left it 13 dB short (sox's sharp band filters, used by the benchmark, agree
 * with the long frames within 0.5 dB). A long-term average needs no time resolution; a 50 ms hop keeps the
 * cost of the old 40 ms / 20 ms analysis.
 */
const SPECTRUM_OPTIONS = { frameSeconds: 0.15, hopSeconds: 0.05 } as const;

function voicedSpectrum(signal: Analysed): Float64Array {
  return longTermSpectrum(signal.samples, signal.sampleRate, { ...SPECTRUM_OPTIONS, include: signal.include }).bandDb;
}

/**
 * Long-term spectrum over all non-silent frames, fricatives included: what a listener hears as the voice's
 * (and microphone's) colour, and what the EQ is fitted to.
 */
function speechSpectrum(signal: Analysed): Float64Array {
  return longTermSpectrum(signal.samples, signal.sampleRate, SPECTRUM_OPTIONS).bandDb;
}

/**
 * Mean mel cepstrum of the speech frames, at 16 kHz whatever the input rate (espeak renders at 22.05 kHz,
 * references arrive at 16 kHz), so both sides see the same band.
 */
function meanCepstrumOf(signal: { readonly samples: Float32Array; readonly sampleRate: number }): Float64Array {
  const samples = signal.sampleRate === ANALYSIS_RATE_HZ ? signal.samples : sincResample(signal.samples, signal.sampleRate, ANALYSIS_RATE_HZ);
  return meanCepstrum(mfccFrames(samples, ANALYSIS_RATE_HZ));
}

/**
 * The EQ's cepstral aim, as a fraction of the stock voice's mel-cepstral distance to the reference: a margin,
 * because the fit sees a ~10 s calibration text and listeners hear other text.
 */
const CEPSTRAL_MARGIN = 0.85;

/** Slope of the long-term power density (dB per octave) from 500 Hz to 6.4 kHz, by least squares. */
export function spectralTiltDbPerOctave(bandDb: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  THIRD_OCTAVE_CENTRES_HZ.forEach((hz, b) => {
    // Band power grows with bandwidth (∝ centre); subtract that to get density.
    if (hz >= 500 && Number.isFinite(bandDb[b]!)) {
      xs.push(Math.log2(hz));
      ys.push(bandDb[b]! - 10 * Math.log10(hz));
    }
  });
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i += 1) {
    num += (xs[i]! - meanX) * (ys[i]! - meanY);
    den += (xs[i]! - meanX) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/** Level of the 4–6.4 kHz bands relative to the 500 Hz–2 kHz bands (dB): very low means a band-limited clip. */
export function highBandLevelDb(bandDb: ArrayLike<number>): number {
  const mean = (from: number, to: number): number => {
    let sum = 0;
    let count = 0;
    THIRD_OCTAVE_CENTRES_HZ.forEach((hz, b) => {
      if (hz >= from && hz <= to) {
        sum += 10 ** (bandDb[b]! / 10);
        count += 1;
      }
    });
    return 10 * Math.log10(sum / count);
  };
  return mean(4000, 6500) - mean(500, 2000);
}

/**
 * Stretch that takes the fitted render's range toward the reference's, or null when the band got close
 * enough. English: one factor for both halves, the range ratio (its band reaches most of the range itself).
 * Mandarin: the upper half only (see MANDARIN_STRETCH_FROM_SEMITONES and MANDARIN_SKEWED_REFERENCE_SEMITONES).
 */
export function fitPitchStretch(reference: PitchStatistics, render: PitchStatistics | null, language: Language): PitchStretch | null {
  if (render === null || render.rangeSemitones <= 0) return null;
  const centreHz = round(render.medianHz, 1);
  if (language === 'en') {
    const [low, high] = PITCH_STRETCH_RANGE.en;
    const factor = clamp(reference.rangeSemitones / render.rangeSemitones, low, high);
    return Math.abs(Math.log(factor)) < Math.log(MIN_PITCH_STRETCH) ? null : { centreHz, factor: round(factor, 3) };
  }
  if (reference.rangeSemitones - render.rangeSemitones > MANDARIN_STRETCH_FROM_SEMITONES) {
    return { centreHz, factor: MANDARIN_MAX_UPPER_STRETCH, factorBelow: 1 };
  }
  const upperReference = reference.p95Semitones - reference.medianSemitones;
  const lowerReference = reference.medianSemitones - reference.p5Semitones;
  const upperRender = render.p95Semitones - render.medianSemitones;
  const skewed = upperReference - lowerReference > MANDARIN_SKEWED_REFERENCE_SEMITONES;
  if (!skewed || upperRender <= 0.1 || upperReference - upperRender <= MANDARIN_SKEW_FROM_SEMITONES) return null;
  const factor = clamp(upperReference / upperRender, 1, MANDARIN_MAX_SKEW);
  return factor < MIN_PITCH_STRETCH ? null : { centreHz, factor: round(factor, 3), factorBelow: 1 };
}

/** Less voiced speech than this (strict YIN voicing) makes the statistics rough. */
const LITTLE_VOICED_SECONDS = 2;

/** Below this, the clip has (almost) nothing above 4 kHz: phone, Bluetooth or aggressive noise suppression. */
const MUFFLED_BELOW_DB = -40;

export interface FitOptions {
  /** Closed-loop pitch renders at most; each costs one ~12 s calibration text (~150 ms warm). Default 6. */
  readonly iterations?: number;
  /** Language spoken in the reference clip (from its transcript). Default DEFAULT_REFERENCE_LANGUAGE. */
  readonly referenceLanguage?: Language;
}

/**
 * Fits an espeak voice to a reference recording (docs/builtin-voice.md §4.1):
 * 1. measure the reference: YIN pitch statistics, voiced frames, syllable rate, robust formants, long-term
 *    spectrum over voiced frames;
 * 2. base variant by F0 (stock female variant for high voices), speed from the syllable-rate ratio to the base
 *    voice's own rate in the reference's language (English unless the transcript says otherwise), clamped;
 * 3. closed loop on espeak's `pitch base top`: render a varied ~12 s calibration text, measure it with the
 *    same estimator, correct median (ratio) and range (stretch around the geometric centre; Mandarin's spread
 *    capped so tones keep their shape), keep the closest render;
 * 4. vocal-tract scale from formant ratios to that render, shrunk and clamped, 1 when unsure;
 * 5. static EQ from the long-term-spectrum difference between the reference and the fitted voice;
 * 6. self-check: how close the fitted voice (with EQ) and the stock voice are, with the same estimators.
 */
export function fitBuiltinVoiceProfile(clip: DecodedClip, language: Language, renderer: ProfileRenderer, options: FitOptions = {}): BuiltinVoiceProfileV4 {
  const ref = analysed(clip.samples, clip.sampleRate);
  const reference = ref.pitch;
  if (reference === null || reference.voicedFrames < 10) throw new NoVoicedSpeechError();
  const refSpectrum = speechSpectrum(ref);
  // Syllable peaks are counted without the voicing gate: YIN's strict voicing misses many nuclei in real
  // (noisy, breathy) speech but few in espeak's, which would bias the ratio.
  const refRate = speakingRate(ref.samples, ref.sampleRate);
  const refFormants = robustFormants(ref.samples, ref.sampleRate, { include: ref.include });
  const renderAnalysed = (profile: BuiltinVoiceProfile | null, text: string): Analysed =>
    analysed(int16ToFloat32(renderer.render(profile, language, text)), renderer.sampleRate);

  const baseVariant = reference.medianHz > FEMALE_BASE_THRESHOLD_HZ ? FEMALE_BASE_VARIANT : DEFAULT_BASE_VARIANT;
  const calibrationText = CALIBRATION_TEXT_BY_LANGUAGE[language];
  const spectrumText = SPECTRUM_CALIBRATION_TEXT_BY_LANGUAGE[language];

  // Speed: syllable rate of the base voice speaking the reference's language (longer text, default speed).
  const maxSpread = MAX_PITCH_SPREAD[language];
  let pitchBase = reference.p5Hz;
  let pitchTop = clamp(reference.p95Hz, pitchBase * 1.1, pitchBase * Math.exp(maxSpread));
  const normProfile: BuiltinVoiceProfile = { version: 1, baseVariant, pitchBase, pitchTop, formantScale: 1, speed: 1 };
  const referenceLanguage = options.referenceLanguage ?? DEFAULT_REFERENCE_LANGUAGE;
  const atDefaultSpeed = int16ToFloat32(renderer.render(normProfile, referenceLanguage, SPECTRUM_CALIBRATION_TEXT_BY_LANGUAGE[referenceLanguage]));
  const renderRate = speakingRate(atDefaultSpeed, renderer.sampleRate);
  const speed =
    refRate.syllablesPerSecond > 0 && renderRate.syllablesPerSecond > 0
      ? round(clamp(refRate.syllablesPerSecond / renderRate.syllablesPerSecond, SPEED_RANGE[0], SPEED_RANGE[1]), 2)
      : 1;

  let best: { profile: BuiltinVoiceProfile; error: number; render: Analysed } | null = null;
  const iterations = options.iterations ?? 6;
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    const profile: BuiltinVoiceProfile = { version: 1, baseVariant, pitchBase, pitchTop, formantScale: 1, speed };
    const render = renderAnalysed(profile, calibrationText);
    const rendered = render.pitch;
    if (rendered === null) break;
    const medianError = Math.abs(rendered.medianSemitones - reference.medianSemitones);
    const rangeError = Math.abs(rendered.rangeSemitones - reference.rangeSemitones);
    const error = medianError + 0.25 * rangeError;
    if (best === null || error < best.error) best = { profile, error, render };
    // Within a tenth of a semitone on both: further renders only chase the estimator's noise.
    if (medianError < 0.1 && rangeError < 0.4) break;

    const ratio = reference.medianHz / rendered.medianHz;
    const centre = Math.sqrt(pitchBase * pitchTop) * ratio;
    const stretch = clamp(reference.rangeSemitones / Math.max(rendered.rangeSemitones, 0.5), 0.67, 1.5);
    const spread = clamp(Math.log(pitchTop / pitchBase) * stretch, Math.log(1.05), maxSpread);
    pitchBase = clamp(Math.round(centre * Math.exp(-spread / 2)), 30, 400);
    pitchTop = clamp(Math.round(centre * Math.exp(spread / 2)), pitchBase + 2, 800);
  }
  const pitchFit = best?.profile ?? { version: 1, baseVariant, pitchBase, pitchTop, formantScale: 1, speed };

  // Vocal tract relative to the pitch-fitted base voice (same estimator on both).
  const baseRender = best === null ? renderAnalysed(pitchFit, calibrationText) : best.render;
  const vocalTract = estimateVocalTract(refFormants, robustFormants(baseRender.samples, baseRender.sampleRate, { include: baseRender.include }));
  const core = {
    baseVariant,
    pitchBase: Math.round(pitchFit.pitchBase),
    pitchTop: Math.round(pitchFit.pitchTop),
    formantScale: vocalTract.formantScale,
    speed,
  };

  // Range espeak's band could not reach (Mandarin's cap, clamps): stretch its output around the median.
  const pitchStretch = fitPitchStretch(reference, baseRender.pitch, language);
  const shapedRender = (text: string): Analysed => {
    const samples = int16ToFloat32(renderer.render({ version: 1, ...core }, language, text));
    const shaper = new StreamingVoiceShaper({ pitchStretch, eqDb: null }, renderer.sampleRate);
    return analysed(shaper.isIdentity ? samples : shaper.shapeWhole(samples), renderer.sampleRate);
  };

  // EQ from the long-term spectrum of the fitted voice (formants scaled, range stretched) on the longer text.
  const fitted = shapedRender(spectrumText);
  const fittedSpectrum = speechSpectrum(fitted);
  const stock = renderAnalysed(null, spectrumText);
  const stockSpectrum = speechSpectrum(stock);
  // The EQ must also leave the mean cepstrum clearly closer to the reference than the stock voice's.
  const refCepstrum = meanCepstrumOf(ref);
  const stockCepstralDistance = melCepstralDistanceDb(refCepstrum, meanCepstrumOf(stock));
  const eqDb = fitEqualiserGains(refSpectrum, fittedSpectrum, {
    cepstra: { reference: refCepstrum, render: meanCepstrumOf(fitted), withinDb: CEPSTRAL_MARGIN * stockCepstralDistance },
    ...(fitted.pitch === null ? {} : { highestF0Hz: fitted.pitch.p95Hz }),
  });
  const equalised = new StreamingEqualiser(eqDb, renderer.sampleRate).processFloat(fitted.samples.slice());
  const equalisedSpectrum = longTermSpectrum(equalised, renderer.sampleRate, SPECTRUM_OPTIONS).bandDb;
  const fittedPitch = fitted.pitch;

  const problems: ClipMeasurementProblem[] = [];
  if (ref.voicedSeconds < LITTLE_VOICED_SECONDS) problems.push('little-voiced-speech');
  if (reference.rangeSemitones < 3) problems.push('monotone');
  if (highBandLevelDb(refSpectrum) < MUFFLED_BELOW_DB) problems.push('muffled');
  if (vocalTract.confidence < 0.5) problems.push('vocal-tract-uncertain');

  const measured: ReferenceMeasurements = {
    medianHz: round(reference.medianHz, 1),
    p5Hz: round(reference.p5Hz, 1),
    p95Hz: round(reference.p95Hz, 1),
    voicedSeconds: round(ref.voicedSeconds, 1),
    syllablesPerSecond: refRate.syllablesPerSecond > 0 ? round(refRate.syllablesPerSecond, 2) : null,
    formantsHz: refFormants === null ? null : [Math.round(refFormants.best.medians[0]), Math.round(refFormants.best.medians[1]), Math.round(refFormants.best.medians[2])],
    vocalTractRatio: vocalTract.ratio === null ? null : round(vocalTract.ratio, 3),
    vocalTractConfidence: vocalTract.confidence,
    tiltDbPerOctave: round(spectralTiltDbPerOctave(voicedSpectrum(ref)), 1),
    problems,
  };
  return {
    version: 4,
    ...core,
    pitchStretch,
    eqDb,
    measured,
    fit: {
      medianErrorSemitones: fittedPitch === null ? 99 : round(Math.abs(fittedPitch.medianSemitones - reference.medianSemitones), 2),
      rangeErrorSemitones: fittedPitch === null ? 99 : round(Math.abs(fittedPitch.rangeSemitones - reference.rangeSemitones), 2),
      spectrumDistanceDb: round(spectrumDistanceDb(refSpectrum, equalisedSpectrum), 2),
      stockSpectrumDistanceDb: round(spectrumDistanceDb(refSpectrum, stockSpectrum), 2),
    },
  };
}
