import { StreamingResampler, DEFAULT_RESAMPLER_QUALITY } from './StreamingResampler.ts';

/**
 * Resamples a whole mono buffer with the Speex sinc resampler. Output length is
 * round(length × toRate / fromRate) and sample 0 lines up with input sample 0.
 */
export async function resample(samples: Float32Array, fromRate: number, toRate: number, quality = DEFAULT_RESAMPLER_QUALITY): Promise<Float32Array> {
  if (fromRate === toRate) return samples.slice();
  const resampler = await StreamingResampler.create({ fromRate, toRate, quality });
  try {
    const body = resampler.push(samples);
    const tail = resampler.flush();
    const out = new Float32Array(body.length + tail.length);
    out.set(body, 0);
    out.set(tail, body.length);
    return out;
  } finally {
    resampler.close();
  }
}
