import { createEngine } from '../app/createEngine.ts';
import { runWithConfig } from '../app/runWithConfig.ts';
import { runWorker } from './runWorker.ts';

// `npm run worker`: a synthesis worker for a bot that has REDIS_URL set. Run as many as the machines allow.
await runWithConfig((config, logger) => runWorker(config, logger, createEngine));
