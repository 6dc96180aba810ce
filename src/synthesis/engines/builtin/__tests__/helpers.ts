import type { PcmChunk } from '../../../../audio/PcmChunk.ts';
import type { Language, Sentence } from '../../../../text/TextPart.ts';
import type { VoiceForSynthesis } from '../../../SynthesisEngine.ts';
import { int16ToFloat } from '../fitBuiltinVoiceProfile.ts';

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
  const total = chunks.reduce((sum, chunk) => sum + chunk.samples.length, 0);
  const whole = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk.samples, offset);
    offset += chunk.samples.length;
  }
  return int16ToFloat(whole);
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
