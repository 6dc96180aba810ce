import initializeEspeak from '@echogarden/espeak-ng-emscripten';
import type { ESpeakNGWorker } from '@echogarden/espeak-ng-emscripten';
import type { EspeakSegment } from '../../../src/synthesis/engines/builtin/EspeakWorkerMessage.ts';
import { concatSamples, int16ToFloat32 } from '../../../src/audio/pcm.ts';
import { withFixedClock } from '../../../src/synthesis/engines/builtin/withFixedClock.ts';

/** espeak's stock voices and variants, driven directly (no profile, no EQ): the baselines of the benchmark. */
export class StockRenderer {
  readonly #espeak: ESpeakNGWorker;

  private constructor(espeak: ESpeakNGWorker) {
    this.#espeak = espeak;
  }

  static async create(): Promise<StockRenderer> {
    const module = await initializeEspeak();
    return new StockRenderer(withFixedClock(() => new module.eSpeakNGWorker()));
  }

  get sampleRate(): number {
    return this.#espeak.samplerate;
  }

  /** Renders segments with `voice+variant` (variant null = stock) at `wordsPerMinute` (espeak default 175). */
  render(segments: readonly EspeakSegment[], variant: string | null, wordsPerMinute = 175): Float32Array {
    const parts: Int16Array[] = [];
    for (const segment of segments) {
      this.#espeak.set_voice(variant === null ? segment.voice : `${segment.voice}+${variant}`);
      this.#espeak.set_rate(Math.round(wordsPerMinute));
      this.#espeak.synthesize(segment.text, (samples) => {
        parts.push(samples.slice());
        return false;
      });
      parts.push(new Int16Array(Math.round(0.25 * this.sampleRate)));
    }
    return int16ToFloat32(concatSamples(Int16Array, parts));
  }
}
