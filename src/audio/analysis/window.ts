/** Analysis windows (periodic forms, as used for overlapping STFT frames). */
export type WindowKind = 'hann' | 'hamming' | 'rectangular';

const cache = new Map<string, Float64Array>();

export function analysisWindow(kind: WindowKind, length: number): Float64Array {
  const key = `${kind}:${length}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const window = new Float64Array(length);
  for (let n = 0; n < length; n += 1) {
    const phase = (2 * Math.PI * n) / length;
    window[n] = kind === 'hann' ? 0.5 - 0.5 * Math.cos(phase) : kind === 'hamming' ? 0.54 - 0.46 * Math.cos(phase) : 1;
  }
  cache.set(key, window);
  return window;
}

/** Σ w[n]²: divides a windowed frame's power so levels do not depend on the window. */
export function windowPower(window: ArrayLike<number>): number {
  let sum = 0;
  for (let n = 0; n < window.length; n += 1) sum += window[n]! * window[n]!;
  return sum;
}
