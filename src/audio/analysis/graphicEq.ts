import { type BiquadCoefficients, cascadeResponseDb, peakingBiquad, qForBandwidth } from './biquad.ts';

export interface GraphicEqDesign {
  readonly sections: readonly BiquadCoefficients[];
  /** Designed response at each band centre (dB), for checking against the target. */
  readonly responseDb: readonly number[];
}

/**
 * A cascade of peaking biquads (one per band, bandwidth = the band spacing) whose response passes through
 * `gainsDb` at `centresHz`. Neighbouring bells overlap, so the section gains are solved iteratively:
 * each round adds the remaining error at every centre to that band's gain. Bands at or above 0.45 × the
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
      const error = usable[i]!.target - cascadeResponseDb(sections, sampleRate, usable[i]!.hz);
      // Damped: the overlap means a full step would overshoot.
      gains[i] = gains[i]! + 0.6 * error;
      worst = Math.max(worst, Math.abs(error));
    }
    if (worst < 0.05) break;
  }
  sections = usable.map((band, i) => peakingBiquad(sampleRate, band.hz, gains[i]!, q));
  const active = sections.filter((section) => !(section.b0 === 1 && section.a1 === section.b1 && section.a2 === section.b2));
  return { sections: active, responseDb: centresHz.map((hz) => cascadeResponseDb(sections, sampleRate, hz)) };
}
