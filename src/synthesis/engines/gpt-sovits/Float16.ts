/*
 * Widening float16 weight files to float32. Node 24 has a native Float16Array; the table path keeps
 * this working on runtimes without it (and is what the tests compare against).
 */

type Float16ArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayLike<number>;

const nativeFloat16 = (globalThis as { Float16Array?: Float16ArrayConstructor }).Float16Array;

let table: Float32Array | undefined;

function halfTable(): Float32Array {
  if (table !== undefined) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** -24;
    else if (exponent === 31) value = mantissa === 0 ? Infinity : NaN;
    else value = (1 + mantissa / 1024) * 2 ** (exponent - 15);
    table[h] = sign * value;
  }
  return table;
}

/** Expands little-endian float16 bytes to a new Float32Array (one element per half). */
export function float16ToFloat32(bytes: Uint8Array, useNative = nativeFloat16 !== undefined): Float32Array {
  if (bytes.byteLength % 2 !== 0) throw new RangeError('float16 data must have an even number of bytes');
  const count = bytes.byteLength / 2;
  const out = new Float32Array(count);
  // A Uint16Array view needs 2-byte alignment; Buffers from the pool may not have it.
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  if (useNative && nativeFloat16 !== undefined) {
    out.set(new nativeFloat16(aligned.buffer, aligned.byteOffset, count));
    return out;
  }
  const halves = new Uint16Array(aligned.buffer, aligned.byteOffset, count);
  const lookup = halfTable();
  for (let i = 0; i < count; i++) out[i] = lookup[halves[i]!]!;
  return out;
}

/** Rounds float32 values to the nearest float16 and returns the little-endian bytes (for tests and tools). */
export function float32ToFloat16Bytes(values: Float32Array): Uint8Array {
  const out = new Uint16Array(values.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i]!;
    const x = u32[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exponent = ((x >>> 23) & 0xff) - 127 + 15;
    let mantissa = x & 0x7fffff;
    if (((x >>> 23) & 0xff) === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
    } else if (exponent >= 31) {
      out[i] = sign | 0x7c00;
    } else if (exponent <= 0) {
      if (exponent < -10) out[i] = sign;
      else {
        mantissa |= 0x800000;
        const shift = 14 - exponent;
        let half = mantissa >> shift;
        const rest = mantissa & ((1 << shift) - 1);
        const halfway = 1 << (shift - 1);
        if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
        out[i] = sign | half;
      }
    } else {
      let half = (exponent << 10) | (mantissa >> 13);
      const rest = mantissa & 0x1fff;
      if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
      out[i] = sign | half;
    }
  }
  return new Uint8Array(out.buffer);
}
