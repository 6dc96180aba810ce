import type { Config } from '../config/Config.ts';
import type { SynthesisEngine } from '../synthesis/SynthesisEngine.ts';

/** Builds the configured engine. Engines are imported on demand so an unused one costs no start-up time. */
export async function createEngine(config: Config): Promise<SynthesisEngine> {
  switch (config.engine.id) {
    case 'builtin': {
      const { BuiltinEngine } = await import('../synthesis/engines/builtin/BuiltinEngine.ts');
      return BuiltinEngine.create({ workers: config.engine.workers });
    }
    case 'gpt-sovits': {
      const { createGptSovitsEngine } = await import('../synthesis/engines/gpt-sovits/GptSovitsEngine.ts');
      const modelDir = config.engine.gptSovitsModelDir;
      if (modelDir === undefined) throw new Error('GPT_SOVITS_MODEL_DIR is validated by loadConfig');
      return createGptSovitsEngine({
        modelDir,
        threads: config.engine.threads,
        decoder: { weights: config.engine.gptSovitsDecoderWeights },
        ...(config.engine.hubertPath === undefined ? {} : { hubertPath: config.engine.hubertPath }),
        ...(config.engine.robertaPath === undefined ? {} : { robertaPath: config.engine.robertaPath }),
      });
    }
    case 'tone': {
      const { ToneEngine } = await import('../synthesis/engines/tone/ToneEngine.ts');
      return new ToneEngine();
    }
  }
}
