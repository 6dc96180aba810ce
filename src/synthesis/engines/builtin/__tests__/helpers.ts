import type { PcmChunk } from '../../../../audio/PcmChunk.ts';
import type { Language, Sentence } from '../../../../text/TextPart.ts';
import type { VoiceForSynthesis } from '../../../SynthesisEngine.ts';
import { concatSamples, int16ToFloat32 } from '../../../../audio/pcm.ts';

export function voiceWith(features: Record<string, unknown> = {}, language: Language = 'en'): VoiceForSynthesis {
  return { id: 'test-voice', language, features };
}

export function english(...texts: string[]): Sentence[] {
  return texts.map((text) => ({ parts: [{ language: 'en', text }] }));
}

export async function collect(stream: AsyncIterable<PcmChunk>): Promise<PcmChunk[]> {
  const chunks: PcmChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

export function concatenate(chunks: readonly PcmChunk[]): Float32Array {
  return int16ToFloat32(concatSamples(Int16Array, chunks.map((chunk) => chunk.samples)));
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
