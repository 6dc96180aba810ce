/**
 * In-place iterative radix-2 complex FFT. Own code (no dependency) because analysis needs only power-of-two
 * sizes and a few thousand transforms per second of audio; twiddles are cached per size.
 */
const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array; reversed: Uint32Array }>();

function tablesFor(size: number): { cos: Float64Array; sin: Float64Array; reversed: Uint32Array } {
  let tables = twiddleCache.get(size);
  if (tables !== undefined) return tables;
  const cos = new Float64Array(size / 2);
  const sin = new Float64Array(size / 2);
  for (let k = 0; k < size / 2; k += 1) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  const bits = Math.log2(size);
  const reversed = new Uint32Array(size);
  for (let i = 0; i < size; i += 1) {
    let r = 0;
    for (let b = 0; b < bits; b += 1) r |= ((i >>> b) & 1) << (bits - 1 - b);
    reversed[i] = r;
  }
  tables = { cos, sin, reversed };
  twiddleCache.set(size, tables);
  return tables;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** Smallest power of two ≥ n. */
export function nextPowerOfTwo(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/** Forward DFT X[k] = Σ x[n]·e^(−2πikn/N), in place on separate real and imaginary arrays. */
export function fft(real: Float64Array, imag: Float64Array): void {
  const size = real.length;
  if (!isPowerOfTwo(size) || imag.length !== size) throw new RangeError(`FFT size must be a power of two with matching arrays, got ${size}/${imag.length}.`);
  const { cos, sin, reversed } = tablesFor(size);
  for (let i = 0; i < size; i += 1) {
    const j = reversed[i]!;
    if (j > i) {
      const tr = real[i]!;
      real[i] = real[j]!;
      real[j] = tr;
      const ti = imag[i]!;
      imag[i] = imag[j]!;
      imag[j] = ti;
    }
  }
  for (let length = 2; length <= size; length *= 2) {
    const half = length / 2;
    const step = size / length;
    for (let start = 0; start < size; start += length) {
      for (let k = 0; k < half; k += 1) {
        const wr = cos[k * step]!;
        const wi = sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const xr = real[b]! * wr - imag[b]! * wi;
        const xi = real[b]! * wi + imag[b]! * wr;
        real[b] = real[a]! - xr;
        imag[b] = imag[a]! - xi;
        real[a] = real[a]! + xr;
        imag[a] = imag[a]! + xi;
      }
    }
  }
}

/** Inverse DFT (scaled by 1/N), in place. */
export function inverseFft(real: Float64Array, imag: Float64Array): void {
  for (let i = 0; i < imag.length; i += 1) imag[i] = -imag[i]!;
  fft(real, imag);
  const scale = 1 / real.length;
  for (let i = 0; i < real.length; i += 1) {
    real[i] = real[i]! * scale;
    imag[i] = -imag[i]! * scale;
  }
}

/**
 * Power spectrum |X[k]|² for k = 0..size/2 of a real frame, zero-padded to `size`, optionally multiplied
 * by a window of the frame's length first.
 */
export function powerSpectrum(frame: ArrayLike<number>, size: number, window?: ArrayLike<number>): Float64Array {
  const real = new Float64Array(size);
  const imag = new Float64Array(size);
  const count = Math.min(frame.length, size);
  for (let i = 0; i < count; i += 1) real[i] = frame[i]! * (window === undefined ? 1 : window[i]!);
  fft(real, imag);
  const power = new Float64Array(size / 2 + 1);
  for (let k = 0; k <= size / 2; k += 1) power[k] = real[k]! * real[k]! + imag[k]! * imag[k]!;
  return power;
}
