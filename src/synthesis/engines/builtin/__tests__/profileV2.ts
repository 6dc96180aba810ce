import type { BuiltinVoiceProfileV2 } from '../BuiltinVoiceProfile.ts';

/** A plausible stored version-2 profile (as fitBuiltinVoiceProfile writes it), for tests to vary. */
export const PROFILE_V2: BuiltinVoiceProfileV2 = {
  version: 2,
  baseVariant: 'f2',
  pitchBase: 110,
  pitchTop: 224,
  formantScale: 1.05,
  speed: 0.9,
  eqDb: [-1.5, 3.6, 6.5, 6.5, 4.7, 1.1, -2.6, -5.6, -5.3, -3.8, -5.1, -6.6, -5.6, -5.6, -6, -6, -6, -6, -4.2],
  measured: {
    medianHz: 186.9,
    p5Hz: 160.5,
    p95Hz: 254.4,
    voicedSeconds: 4.3,
    syllablesPerSecond: 5.9,
    formantsHz: [524, 1707, 2646],
    vocalTractRatio: 1.1,
    vocalTractConfidence: 0.9,
    tiltDbPerOctave: -11,
    problems: [],
  },
  fit: { medianErrorSemitones: 0.2, rangeErrorSemitones: 2.1, spectrumDistanceDb: 3.53, stockSpectrumDistanceDb: 8.37 },
};
