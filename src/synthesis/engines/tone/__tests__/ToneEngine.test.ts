import { describe, expect, it } from 'vitest';
import type { PcmChunk } from '../../../../audio/PcmChunk.ts';
import { CancelledError } from '../../../../util/ChorusError.ts';
import { ToneEngine, ToneEngineFault, toneFrequency, toneSampleCount } from '../ToneEngine.ts';

const sentence = (text: string) => ({ parts: [{ language: 'en' as const, text }] });
const voice = { id: 'v', language: 'en' as const, features: {} };

async function collect(stream: AsyncIterable<PcmChunk>): Promise<PcmChunk[]> {
  const chunks: PcmChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function joined(chunks: PcmChunk[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.samples.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk.samples, offset);
    offset += chunk.samples.length;
  }
  return out;
}

describe('ToneEngine', () => {
  it('is deterministic and encodes the text in frequency and length', async () => {
    const engine = new ToneEngine({ sampleRate: 16_000, msPerCharacter: 20, chunkDelayMs: 0 });
    const first = joined(await collect(engine.synthesize({ sentences: [sentence('hello world')], voice })));
    const again = joined(await collect(engine.synthesize({ sentences: [sentence('hello world')], voice })));
    expect(again).toEqual(first);
    expect(first.length).toBe(toneSampleCount('hello world', 16_000, 20));
    let crossings = 0;
    for (let i = 1; i < first.length; i += 1) if ((first[i - 1] as number) < 0 && (first[i] as number) >= 0) crossings += 1;
    expect(Math.abs(crossings / (first.length / 16_000) - toneFrequency('hello world'))).toBeLessThan(8);
    const frequencies = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map(toneFrequency));
    expect(frequencies.size).toBeGreaterThan(3);
  });

  it('streams sentence by sentence with increasing sentence indexes', async () => {
    const engine = new ToneEngine({ chunkMs: 20, chunkDelayMs: 0 });
    const chunks = await collect(engine.synthesize({ sentences: [sentence('one'), sentence('two two')], voice }));
    const indexes = chunks.map((chunk) => chunk.sentenceIndex);
    expect(indexes).toEqual([...indexes].sort());
    expect(new Set(indexes)).toEqual(new Set([0, 1]));
    expect(chunks.every((chunk) => chunk.sampleRate === engine.sampleRate && chunk.samples.length <= 480)).toBe(true);
  });

  it('stops with CancelledError when aborted', async () => {
    const engine = new ToneEngine({ chunkDelayMs: 5 });
    const controller = new AbortController();
    let count = 0;
    await expect(
      (async () => {
        for await (const _chunk of engine.synthesize({ sentences: [sentence('a long sentence to abort midway')], voice, signal: controller.signal })) {
          count += 1;
          if (count === 2) controller.abort();
        }
      })(),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(count).toBe(2);
    expect(engine.activity).toMatchObject({ aborted: 1, active: 0 });
  });

  it('fails on the sentences it is told to fail on', async () => {
    const engine = new ToneEngine({ chunkDelayMs: 0, failOn: (text) => text.includes('bad') });
    await expect(collect(engine.synthesize({ sentences: [sentence('good'), sentence('bad')], voice }))).rejects.toBeInstanceOf(ToneEngineFault);
    expect(engine.activity).toMatchObject({ failed: 1, completed: 0, requests: ['good | bad'] });
  });
});
