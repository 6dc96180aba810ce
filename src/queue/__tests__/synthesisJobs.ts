import type { PcmChunk } from '../../audio/PcmChunk.ts';
import type { PriorityClass } from '../../speech/SpeechJob.ts';
import type { Sentence } from '../../text/TextPart.ts';
import type { SynthesisJob } from '../SynthesisQueue.ts';

export function sentences(...texts: string[]): Sentence[] {
  return texts.map((text) => ({ parts: [{ language: 'en', text }] }));
}

export function synthesisJob(id: string, text: string, priority: PriorityClass = 'chat', deadline = Date.now() + 60_000): SynthesisJob {
  return { id, voice: { id: 'voice-1', language: 'en', features: {} }, sentences: sentences(text), priority, deadline };
}

/** Reads a handle's stream to its end; returns the chunks, or the error it ended with. */
export async function drain(chunks: AsyncIterable<PcmChunk>): Promise<{ chunks: PcmChunk[]; error?: unknown }> {
  const received: PcmChunk[] = [];
  try {
    for await (const chunk of chunks) received.push(chunk);
    return { chunks: received };
  } catch (error) {
    return { chunks: received, error };
  }
}
