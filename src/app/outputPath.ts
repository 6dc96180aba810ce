import { join } from 'node:path';
import type { UtteranceInfo } from '../playback/AudioSink.ts';

/** `out/20261123-211530-123-alice.ogg`: sortable by time, readable, safe on every file system. */
export function outputPath(outDir: string, utterance: UtteranceInfo, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\.(\d{3})Z$/, '-$1');
  const who = utterance.speaker.displayName.normalize('NFKC').replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 32) || 'someone';
  return join(outDir, `${stamp}-${who}.ogg`);
}
