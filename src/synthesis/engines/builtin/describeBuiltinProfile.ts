import { THIRD_OCTAVE_CENTRES_HZ } from '../../../audio/analysis/thirdOctaveBands.ts';
import { type BuiltinVoiceProfile, type ClipMeasurementProblem, DEFAULT_BASE_VARIANT, pitchStretchOf } from './BuiltinVoiceProfile.ts';

const PROBLEM_TEXT: Readonly<Record<ClipMeasurementProblem, string>> = {
  'little-voiced-speech': 'The clip has little clearly voiced speech, so these numbers are rough; 10–30 s of continuous talking works best.',
  monotone: 'Your pitch barely moved in the clip; if you read it flat on purpose, record something more natural.',
  muffled: 'The clip has almost no treble (a phone, Bluetooth headset or strong noise suppression?); the voice colour was matched to that.',
  'vocal-tract-uncertain': 'The vowel resonances could not be measured reliably, so that part was left at the built-in voice’s.',
};

function pitchWord(hz: number): string {
  if (hz < 120) return 'a low voice';
  if (hz < 175) return 'a medium voice';
  return 'a high voice';
}

function rangeWord(semitones: number): string {
  if (semitones < 4) return 'flat';
  if (semitones < 8) return 'moderate';
  return 'lively';
}

function brightnessWord(tiltDbPerOctave: number): string {
  if (tiltDbPerOctave > -9) return 'bright';
  if (tiltDbPerOctave < -13) return 'dark, warm';
  return 'balanced';
}

function closeness(semitones: number): string {
  if (semitones <= 0.5) return 'spot on';
  if (semitones <= 1) return 'close';
  if (semitones <= 2) return 'roughly right';
  return 'noticeably off (the built-in synthesizer cannot fully reach it)';
}

function hzLabel(hz: number): string {
  return hz >= 1000 ? `${(hz / 1000).toFixed(1)} kHz` : `${Math.round(hz)} Hz`;
}

const signed = (value: number, digits = 0): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;

/**
 * The built-in voice's registration report in plain words: what was measured in the clip, what the fitted
 * voice does with it, and how close it came. One line per topic, for the console, the CLI and Discord.
 */
export function describeBuiltinProfile(profile: BuiltinVoiceProfile): string[] {
  const base = profile.baseVariant === DEFAULT_BASE_VARIANT ? 'its standard (male) voice' : 'its female voice';
  if (profile.version === 1) {
    const lines = [`Built-in voice: starts from ${base}, pitch set to about ${Math.round(profile.pitchBase)}–${Math.round(profile.pitchTop)}.`];
    if (profile.measured !== undefined) lines.unshift(`Your pitch: ${Math.round(profile.measured.medianHz)} Hz, ${pitchWord(profile.measured.medianHz)}.`);
    return lines;
  }
  const { measured, fit } = profile;
  const rangeSemitones = 12 * Math.log2(measured.p95Hz / measured.p5Hz);
  const lines = [
    `Your pitch: ${Math.round(measured.medianHz)} Hz, ${pitchWord(measured.medianHz)}; it moves between ${Math.round(measured.p5Hz)} and ` +
      `${Math.round(measured.p95Hz)} Hz (${rangeSemitones.toFixed(1)} semitones, ${rangeWord(rangeSemitones)}).`,
    `Your tone colour: ${brightnessWord(measured.tiltDbPerOctave)} (treble falls ${Math.abs(measured.tiltDbPerOctave).toFixed(0)} dB per octave)` +
      (measured.syllablesPerSecond === null ? '.' : `; pace about ${measured.syllablesPerSecond.toFixed(1)} syllables per second.`),
  ];

  const shaping = [`starts from ${base}`];
  if (profile.formantScale !== 1) {
    shaping.push(`vowel resonances ${profile.formantScale > 1 ? 'raised' : 'lowered'} ${Math.abs(Math.round((profile.formantScale - 1) * 100))} %`);
  }
  const stretch = pitchStretchOf(profile);
  if (stretch !== null) {
    const change = (factor: number): string =>
      Math.round(Math.abs(factor - 1) * 100) === 0 ? 'unchanged' : `${factor > 1 ? 'widened' : 'narrowed'} ${Math.round(Math.abs(factor - 1) * 100)} %`;
    const below = stretch.factorBelow ?? stretch.factor;
    if (below === stretch.factor) shaping.push(`pitch movement ${change(stretch.factor)} beyond what the synthesizer does itself`);
    else shaping.push(`pitch movement above the middle ${change(stretch.factor)} and below it ${change(below)} beyond what the synthesizer does itself`);
  }
  if (profile.speed !== 1) shaping.push(`speaks ${profile.speed > 1 ? 'faster' : 'slower'} (${profile.speed.toFixed(2)}× normal)`);
  let boost = 0;
  let cut = 0;
  profile.eqDb.forEach((gain, b) => {
    if (gain > profile.eqDb[boost]!) boost = b;
    if (gain < profile.eqDb[cut]!) cut = b;
  });
  const eqParts: string[] = [];
  if (profile.eqDb[boost]! >= 2) eqParts.push(`${signed(profile.eqDb[boost]!)} dB around ${hzLabel(THIRD_OCTAVE_CENTRES_HZ[boost]!)}`);
  if (profile.eqDb[cut]! <= -2) eqParts.push(`${signed(profile.eqDb[cut]!)} dB around ${hzLabel(THIRD_OCTAVE_CENTRES_HZ[cut]!)}`);
  if (eqParts.length > 0) shaping.push(`equaliser ${eqParts.join(', ')}`);
  lines.push(`Built-in voice: ${shaping.join('; ')}.`);

  const stock = fit.stockSpectrumDistanceDb;
  const share = stock > 0 ? Math.round(Math.max(0, Math.min(1, (stock - fit.spectrumDistanceDb) / stock)) * 100) : 0;
  const colourWord = fit.spectrumDistanceDb <= 3 ? 'close to your own' : fit.spectrumDistanceDb <= 4.5 ? 'clearly nearer to yours' : 'still some way from yours';
  lines.push(
    `How close it came: pitch ${closeness(fit.medianErrorSemitones)} (${fit.medianErrorSemitones.toFixed(1)} semitones off), ` +
      `pitch range ${closeness(fit.rangeErrorSemitones / 2)} (${fit.rangeErrorSemitones.toFixed(1)} semitones off); tone colour ${colourWord} ` +
      `(${fit.spectrumDistanceDb.toFixed(1)} dB difference, the stock voice was ${stock.toFixed(1)} dB: ${share} % closer).`,
  );
  for (const problem of measured.problems) lines.push(`Note: ${PROBLEM_TEXT[problem]}`);
  lines.push('The built-in voice copies your pitch, pace and tone colour, not your accent or exact timbre; a neural voice model does that.');
  return lines;
}
