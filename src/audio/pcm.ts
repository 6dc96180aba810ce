/**
 * The one place where sample formats and levels are converted, so every stage rounds and clamps the same way.
 */

/** Int16 PCM → float in [-1, 1). Divides by 32768 so the conversion is exact and symmetric with {@link float32ToInt16}. */
export function int16ToFloat32(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

/** Float PCM → Int16 with rounding and clamping (values outside [-1, 1] saturate instead of wrapping). */
export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const scaled = Math.round(samples[i]! * 32768);
    out[i] = scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled;
  }
  return out;
}

/**
 * Joins sample arrays end to end into a fresh array of their own (safe to transfer, and never a view into a
 * wasm heap that is about to be reused). The kind of array is named so an empty list still has the right type.
 */
export function concatSamples<T extends Float32Array | Int16Array>(kind: new (length: number) => T, parts: readonly T[]): T {
  const out = new kind(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Level of a linear amplitude (1.0 = full scale) in dBFS; silence is -Infinity. */
export function amplitudeToDbfs(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude) : -Infinity;
}

/** Linear amplitude of a dBFS level. */
export function dbfsToAmplitude(dbfs: number): number {
  return Math.pow(10, dbfs / 20);
}

/** Level of a mean-square power (e.g. a frame's energy) in dB relative to full-scale amplitude squared. */
export function powerToDb(power: number): number {
  return power > 0 ? 10 * Math.log10(power) : -Infinity;
}

/** Averages channels into one (the sum is divided by the channel count, so mono stays unchanged). */
export function downmixToMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) return new Float32Array(0);
  if (channels.length === 1) return first;
  const length = Math.min(...channels.map((channel) => channel.length));
  const out = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i++) out[i] = out[i]! + channel[i]!;
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < length; i++) out[i] = out[i]! * scale;
  return out;
}
