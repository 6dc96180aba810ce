import { fft } from './fft.ts';

/** All-pole model 1 / A(z), A(z) = 1 + a1·z⁻¹ + … + ap·z⁻ᵖ; `coefficients[0]` is 1. */
export interface LpcModel {
  readonly coefficients: Float64Array;
  /** Prediction-error power per sample (the model's gain²). */
  readonly errorPower: number;
}

/**
 * Burg's method (maximum-entropy LPC): minimises forward + backward prediction error at every order. Unlike
 * the autocorrelation method it needs no window taper to stay accurate on short frames, which is why Praat
 * uses it for formants. Always yields a stable (minimum-phase) A(z).
 */
export function burgLpc(frame: ArrayLike<number>, order: number): LpcModel {
  const n = frame.length;
  if (!Number.isInteger(order) || order < 1 || order >= n) throw new RangeError(`LPC order must be 1..${n - 1}, got ${order}.`);
  const forward = Float64Array.from(frame);
  const backward = Float64Array.from(frame);
  let a = new Float64Array(order + 1);
  a[0] = 1;
  let power = 0;
  for (let i = 0; i < n; i += 1) power += frame[i]! * frame[i]!;
  power /= n;
  for (let m = 1; m <= order; m += 1) {
    let numerator = 0;
    let denominator = 0;
    for (let i = m; i < n; i += 1) {
      numerator += forward[i]! * backward[i - 1]!;
      denominator += forward[i]! ** 2 + backward[i - 1]! ** 2;
    }
    const k = denominator > 0 ? (-2 * numerator) / denominator : 0;
    const next = new Float64Array(order + 1);
    next[0] = 1;
    for (let i = 1; i < m; i += 1) next[i] = a[i]! + k * a[m - i]!;
    next[m] = k;
    a = next;
    for (let i = n - 1; i >= m; i -= 1) {
      const f = forward[i]!;
      forward[i] = f + k * backward[i - 1]!;
      backward[i] = backward[i - 1]! + k * f;
    }
    power *= 1 - k * k;
  }
  return { coefficients: a, errorPower: power };
}

/** Power response of the all-pole model in dB at `bins` + 1 equally spaced frequencies 0..Nyquist. */
export function lpcEnvelopeDb(model: LpcModel, fftSize: number): Float64Array {
  const real = new Float64Array(fftSize);
  const imag = new Float64Array(fftSize);
  real.set(model.coefficients.subarray(0, Math.min(fftSize, model.coefficients.length)));
  fft(real, imag);
  const out = new Float64Array(fftSize / 2 + 1);
  for (let k = 0; k <= fftSize / 2; k += 1) out[k] = 10 * Math.log10(model.errorPower / Math.max(1e-300, real[k]! ** 2 + imag[k]! ** 2));
  return out;
}

/**
 * Complex roots of the monic polynomial z^p + c1·z^(p−1) + … + cp (c = coefficients[1..]) by the
 * Aberth–Ehrlich iteration; returns [re, im] pairs. Fine for LPC orders up to ~30.
 */
export function polynomialRoots(coefficients: ArrayLike<number>): Array<readonly [number, number]> {
  const degree = coefficients.length - 1;
  if (degree < 1) return [];
  const re = new Float64Array(degree);
  const im = new Float64Array(degree);
  // Start on a circle inside the unit disc, off the real axis, so conjugate pairs separate.
  for (let i = 0; i < degree; i += 1) {
    const angle = (2 * Math.PI * i) / degree + 0.4;
    re[i] = 0.9 * Math.cos(angle);
    im[i] = 0.9 * Math.sin(angle);
  }
  const evaluate = (zr: number, zi: number): [number, number, number, number] => {
    // Horner for p(z) and p'(z).
    let pr = 1;
    let pi = 0;
    let dr = 0;
    let di = 0;
    for (let k = 1; k <= degree; k += 1) {
      const ndr = dr * zr - di * zi + pr;
      const ndi = dr * zi + di * zr + pi;
      dr = ndr;
      di = ndi;
      const npr = pr * zr - pi * zi + coefficients[k]!;
      const npi = pr * zi + pi * zr;
      pr = npr;
      pi = npi;
    }
    return [pr, pi, dr, di];
  };
  for (let iteration = 0; iteration < 200; iteration += 1) {
    let largestStep = 0;
    for (let i = 0; i < degree; i += 1) {
      const [pr, pi, dr, di] = evaluate(re[i]!, im[i]!);
      const dd = dr * dr + di * di;
      if (dd === 0) continue;
      // ratio = p/p'
      const rr = (pr * dr + pi * di) / dd;
      const ri = (pi * dr - pr * di) / dd;
      let sr = 0;
      let si = 0;
      for (let j = 0; j < degree; j += 1) {
        if (j === i) continue;
        const xr = re[i]! - re[j]!;
        const xi = im[i]! - im[j]!;
        const xx = xr * xr + xi * xi;
        if (xx === 0) continue;
        sr += xr / xx;
        si += -xi / xx;
      }
      // step = ratio / (1 − ratio·sum)
      const denr = 1 - (rr * sr - ri * si);
      const deni = -(rr * si + ri * sr);
      const den = denr * denr + deni * deni;
      if (den === 0) continue;
      const stepR = (rr * denr + ri * deni) / den;
      const stepI = (ri * denr - rr * deni) / den;
      re[i] = re[i]! - stepR;
      im[i] = im[i]! - stepI;
      largestStep = Math.max(largestStep, Math.hypot(stepR, stepI));
    }
    if (largestStep < 1e-12) break;
  }
  return Array.from({ length: degree }, (_, i) => [re[i]!, im[i]!] as const);
}

/** Resonances of an all-pole model: frequency and 3-dB bandwidth (Hz) of each pole in the upper half-plane. */
export function lpcResonances(model: LpcModel, sampleRate: number): Array<{ readonly frequencyHz: number; readonly bandwidthHz: number }> {
  const resonances: Array<{ frequencyHz: number; bandwidthHz: number }> = [];
  for (const [re, im] of polynomialRoots(model.coefficients)) {
    if (im <= 0) continue;
    const radius = Math.hypot(re, im);
    resonances.push({ frequencyHz: (Math.atan2(im, re) * sampleRate) / (2 * Math.PI), bandwidthHz: (-Math.log(radius) * sampleRate) / Math.PI });
  }
  return resonances.sort((x, y) => x.frequencyHz - y.frequencyHz);
}
