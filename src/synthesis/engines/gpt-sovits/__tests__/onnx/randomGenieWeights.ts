/*
 * Random weights for the real (weight-less) Genie v2 graphs: compute cost does not depend on the
 * values, so the real architecture runs at its real speed. Scales keep activations finite: N(0, 1/fan_in)
 * -ish for matrices and convs, ~1 for norm gains, weight-norm gains and alphas, small for biases.
 * Values come from a small per-tensor pool (fast to fill hundreds of MB), seeded.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { float32ToFloat16Bytes } from '../../Float16.ts';
import { readOnnxModelInfo, type OnnxExternalInitializer } from '../../OnnxModelInfo.ts';
import { SeededRandom } from '../../SeededRandom.ts';

const POOL = 4096;

/** Values (mean, spread) for one tensor: a uniform distribution with this standard deviation around mean. */
function distribution(init: OnnxExternalInitializer): { mean: number; std: number } {
  const name = init.name;
  if (/weight_g$|alpha$|gamma$/.test(name) || (init.dims.length === 1 && /norm.*\.weight$|ln.*\.weight$/.test(name))) return { mean: 1, std: 0.02 };
  if (init.dims.length <= 1) return { mean: 0, std: 0.02 };
  const fanIn = init.dims.slice(1).reduce((a, b) => a * b, 1);
  return { mean: 0, std: 1 / Math.sqrt(Math.max(1, fanIn)) };
}

export type WeightOverride = (init: OnnxExternalInitializer) => Float32Array | undefined;

/** Writes the external-data file of `graphPath` as `storage`, filled with seeded random values. */
export function writeRandomWeights(graphPath: string, outFile: string, storage: 'float32' | 'float16', seed: number, override?: WeightOverride): void {
  const info = readOnnxModelInfo(readFileSync(graphPath));
  const bytes = info.externalInitializers.reduce((n, i) => Math.max(n, i.offset + i.length), 0);
  const random = new SeededRandom(seed);
  const f32 = storage === 'float32' ? new Float32Array(bytes / 4) : undefined;
  const f16 = storage === 'float16' ? new Uint16Array(bytes / 4) : undefined;
  for (const init of info.externalInitializers) {
    if (init.elementType !== 'float32') throw new Error(`unexpected ${init.elementType} initializer ${init.name}`);
    const start = init.offset / 4;
    const count = init.length / 4;
    const fixed = override?.(init);
    if (fixed !== undefined) {
      if (f32) f32.set(fixed, start);
      else f16!.set(new Uint16Array(float32ToFloat16Bytes(fixed).buffer), start);
      continue;
    }
    const { mean, std } = distribution(init);
    const pool = Float32Array.from({ length: POOL }, () => mean + (random.next() * 2 - 1) * std * Math.sqrt(3));
    if (f32) for (let i = 0; i < count; i++) f32[start + i] = pool[(random.next() * POOL) | 0]!;
    else {
      const halves = new Uint16Array(float32ToFloat16Bytes(pool).buffer);
      for (let i = 0; i < count; i++) f16![start + i] = halves[(random.next() * POOL) | 0]!;
    }
  }
  writeFileSync(outFile, f32 ? new Uint8Array(f32.buffer) : new Uint8Array(f16!.buffer));
}
