import initializeEspeak from '@echogarden/espeak-ng-emscripten';
import { describe, expect, it } from 'vitest';
import { concatSamples } from '../../../../audio/pcm.ts';
import { withFixedClock } from '../withFixedClock.ts';

describe('withFixedClock', () => {
  it('freezes Date.now only while creating, also when creating throws', () => {
    const seen = withFixedClock(() => [Date.now(), Date.now()]);
    expect(seen[0]).toBe(seen[1]);
    expect(Math.abs(Date.now() - seen[0]!)).toBeGreaterThan(1e9);
    expect(() =>
      withFixedClock(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.abs(Date.now() - new Date().getTime())).toBeLessThan(1000);
  });

  it('makes two espeak instances render a breathy stock variant sample for sample alike', async () => {
    // Each instance in its own module: instances of one module share espeak's global state.
    const render = async (): Promise<Int16Array> => {
      const module = await initializeEspeak();
      const espeak = withFixedClock(() => new module.eSpeakNGWorker());
      espeak.set_voice('cmn-latn-pinyin+f2');
      const parts: Int16Array[] = [];
      espeak.synthesize('ni3 hao3 , wo3 men5 qu4 gong1 yuan2 .', (samples) => {
        parts.push(samples.slice());
        return false;
      });
      return concatSamples(Int16Array, parts);
    };
    const first = await render();
    const second = await render();
    expect(first.length).toBeGreaterThan(10000);
    expect(second.length).toBe(first.length);
    let differing = 0;
    for (let i = 0; i < first.length; i += 1) if (first[i] !== second[i]) differing += 1;
    expect(differing).toBe(0);
  });
});
