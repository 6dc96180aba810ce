// Test worker: the real espeak worker, except that a sentence containing "CRASH" kills the thread mid-request,
// standing in for a wasm abort or out-of-memory that cannot be provoked on purpose.
import { parentPort } from 'node:worker_threads';

// Registered before the real worker's listener so it sees the request first.
parentPort?.on('message', (request: { type: string; segments?: ReadonlyArray<{ text: string }> }) => {
  if (request.segments?.some((segment) => segment.text.includes('CRASH'))) process.exit(3);
});
await import('../espeakWorker.ts');
