import { runWithConfig } from '../../../app/runWithConfig.ts';
import { ToneEngine } from '../../../synthesis/engines/tone/ToneEngine.ts';
import { runWorker } from '../../../worker/runWorker.ts';

// A worker process for tests: `npm run worker`'s own wiring, on a tone engine slowed by TONE_CHUNK_DELAY_MS
// so a test can kill it mid-job.
const chunkDelayMs = Number(process.env.TONE_CHUNK_DELAY_MS ?? '1');
await runWithConfig((config, logger) => runWorker(config, logger, () => Promise.resolve(new ToneEngine({ chunkDelayMs }))));
