import { type BiquadCoefficients, cascadeResponseDb, peakingBiquad, qForBandwidth } from './biquad.ts';

export interface GraphicEqDesign {
  readonly sections: readonly BiquadCoefficients[];
  /** Designed response averaged (in power) over each band (dB), for checking against the target. */
  readonly responseDb: readonly number[];
}

/**
 * Response averaged in power over a band (1/3 octave wide around `centreHz`, or the given width): what a
 * long-term spectrum measures, so the EQ is fitted to that rather than to the centre values alone.
 */
function bandResponseDb(sections: readonly BiquadCoefficients[], sampleRate: number, centreHz: number, widthOctaves: number): number {
  const points = 7;
  let sum = 0;
  for (let p = 0; p < points; p += 1) {
    const hz = centreHz * 2 ** (widthOctaves * ((p + 0.5) / points - 0.5));
    sum += 10 ** (cascadeResponseDb(sections, sampleRate, hz) / 10);
  }
  return 10 * Math.log10(sum / points);
}

/**
 * A cascade of peaking biquads (one per band, bandwidth = the band spacing) whose response, averaged over
 * each band, is `gainsDb`. Neighbouring bells overlap and leave ripple between centres, so the section
 * gains are solved iteratively: each round adds part of the remaining band error to that band's gain. Bands at or above 0.45 × the
 * sample rate are skipped (a bell cannot sit at Nyquist).
 */
export function designGraphicEq(centresHz: readonly number[], gainsDb: readonly number[], sampleRate: number, iterations = 30): GraphicEqDesign {
  if (centresHz.length !== gainsDb.length) throw new RangeError(`EQ needs one gain per band (${centresHz.length} bands, ${gainsDb.length} gains).`);
  const usable = centresHz.map((hz, i) => ({ hz, target: gainsDb[i]! })).filter((band) => band.hz < 0.45 * sampleRate);
  if (usable.length === 0) return { sections: [], responseDb: centresHz.map(() => 0) };
  const spacing = usable.length > 1 ? Math.log2(usable[1]!.hz / usable[0]!.hz) : 1 / 3;
  const q = qForBandwidth(spacing);
  const gains = usable.map((band) => band.target);
  let sections: BiquadCoefficients[] = [];
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    sections = usable.map((band, i) => peakingBiquad(sampleRate, band.hz, gains[i]!, q));
    let worst = 0;
    for (let i = 0; i < usable.length; i += 1) {
      const error = usable[i]!.target - bandResponseDb(sections, sampleRate, usable[i]!.hz, spacing);
      // Damped: the overlap means a full step would overshoot.
      gains[i] = gains[i]! + 0.6 * error;
      worst = Math.max(worst, Math.abs(error));
    }
    if (worst < 0.05) break;
  }
  sections = usable.map((band, i) => peakingBiquad(sampleRate, band.hz, gains[i]!, q));
  const active = sections.filter((section) => !(section.b0 === 1 && section.a1 === section.b1 && section.a2 === section.b2));
  return { sections: active, responseDb: centresHz.map((hz) => bandResponseDb(sections, sampleRate, hz, spacing)) };
}
