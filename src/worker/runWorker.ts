import type { Config } from '../config/Config.ts';
import type { Logger } from '../log/createLogger.ts';
import { RedisUrlMissingError } from '../queue/bull/BullQueueErrors.ts';
import { BullSynthesisWorker } from '../queue/bull/BullSynthesisWorker.ts';
import type { SynthesisEngine } from '../synthesis/SynthesisEngine.ts';

/**
 * A synthesis worker process's life: take jobs from Redis until SIGTERM or SIGINT, then finish (or hand back)
 * the running ones and close the engine. `engine` is built by the caller once REDIS_URL is known to be set.
 */
export async function runWorker(config: Config, logger: Logger, createEngine: (config: Config) => Promise<SynthesisEngine>): Promise<number> {
  const redisUrl = config.secrets.redisUrl;
  if (redisUrl === undefined) throw new RedisUrlMissingError('npm run worker');
  const engine = await createEngine(config);
  try {
    const worker = await BullSynthesisWorker.start({
      redisUrl,
      engine,
      logger,
      concurrency: config.scaleOut.workerConcurrency,
      stallIntervalMs: config.scaleOut.stallIntervalMs,
    });
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    logger.info({ signal, running: worker.stats().running }, 'stopping: finishing running jobs first');
    await worker.close();
    logger.info(worker.stats(), 'worker stopped');
  } finally {
    await engine.close();
  }
  return 0;
}
