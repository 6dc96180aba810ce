import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../../../log/createLogger.ts';
import type { PcmChunk } from '../../../audio/PcmChunk.ts';
import { ToneEngine } from '../../../synthesis/engines/tone/ToneEngine.ts';
import type { SynthesisJob } from '../../SynthesisQueue.ts';
import { concatSamples } from '../../../audio/pcm.ts';

export const TONE_WORKER = fileURLToPath(new URL('./toneWorker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function silentLogger(): Logger {
  return createLogger({ level: 'silent', format: 'json' });
}

/** All samples of a stream, concatenated. */
export function joinSamples(chunks: readonly PcmChunk[]): Int16Array {
  return concatSamples(Int16Array, chunks.map((chunk) => chunk.samples));
}

/** What the tone engine yields for a job when run directly in this process: the reference audio. */
export async function referenceAudio(job: SynthesisJob): Promise<{ samples: Int16Array; sentences: number[] }> {
  const engine = new ToneEngine({ chunkDelayMs: 0 });
  const chunks: PcmChunk[] = [];
  for await (const chunk of engine.synthesize({ sentences: job.sentences, voice: job.voice })) chunks.push(chunk);
  return { samples: joinSamples(chunks), sentences: [...new Set(chunks.map((chunk) => chunk.sentenceIndex))] };
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const stop = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  output(): string;
}

/** Runs the tone worker entry as a real child process (same Node as the tests). */
export function spawnToneWorker(env: Record<string, string>, entry = TONE_WORKER): WorkerProcess {
  const child = spawn(process.execPath, [entry], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_FORMAT: 'json', LOG_LEVEL: 'debug', ENGINE: 'tone', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const collect = (data: Buffer): void => {
    output += data.toString('utf8');
    if (output.includes('synthesis worker waiting for jobs')) markReady();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readyOrExited = Promise.race([ready, exited.then(() => Promise.reject(new Error(`worker exited before it was ready:\n${output}`)))]);
  // Tests of start-up failures never await `ready`.
  readyOrExited.catch(() => {});
  return { child, ready: readyOrExited, exited, output: () => output };
}
