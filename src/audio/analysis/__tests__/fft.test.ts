import { describe, expect, it } from 'vitest';
import { fft, inverseFft, nextPowerOfTwo, powerSpectrum } from '../fft.ts';
import { analysisWindow, windowPower } from '../window.ts';
import { whiteNoise } from './syntheticSignals.ts';

describe('fft', () => {
  it('matches a direct DFT on noise', () => {
    const size = 64;
    const input = whiteNoise(size);
    const real = Float64Array.from(input);
    const imag = new Float64Array(size);
    fft(real, imag);
    for (let k = 0; k < size; k += 1) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < size; n += 1) {
        re += input[n]! * Math.cos((2 * Math.PI * k * n) / size);
        im -= input[n]! * Math.sin((2 * Math.PI * k * n) / size);
      }
      expect(real[k]).toBeCloseTo(re, 9);
      expect(imag[k]).toBeCloseTo(im, 9);
    }
  });

  it('inverts exactly', () => {
    const input = whiteNoise(1024);
    const real = Float64Array.from(input);
    const imag = new Float64Array(1024);
    fft(real, imag);
    inverseFft(real, imag);
    for (let n = 0; n < 1024; n += 1) {
      expect(real[n]).toBeCloseTo(input[n]!, 9);
      expect(Math.abs(imag[n]!)).toBeLessThan(1e-12);
    }
  });

  it('puts a sine on its bin with the expected power (Hann-normalised)', () => {
    const size = 512;
    const frame = new Float64Array(size);
    for (let n = 0; n < size; n += 1) frame[n] = Math.sin((2 * Math.PI * 32 * n) / size);
    const window = analysisWindow('hann', size);
    const power = powerSpectrum(frame, size, window);
    let peak = 0;
    for (let k = 1; k < power.length; k += 1) if (power[k]! > power[peak]!) peak = k;
    expect(peak).toBe(32);
    // Parseval: the one-sided main lobe of a unit sine holds N·Σw²/4.
    const lobe = power[31]! + power[32]! + power[33]!;
    expect(lobe / (size * windowPower(window))).toBeCloseTo(0.25, 3);
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(RangeError);
    expect(nextPowerOfTwo(1000)).toBe(1024);
  });
});
