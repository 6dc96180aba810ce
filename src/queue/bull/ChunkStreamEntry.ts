import { endianness } from 'node:os';
import { InvalidChunkEntryError } from './BullQueueErrors.ts';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/**
 * What a worker appends to a job's Redis Stream, in order. `run` names one processing of the job (a fresh
 * id each time a worker takes it), so entries of a redone job can be told from those of the run that died.
 */
export type ChunkStreamEntry =
  /** A worker took the job and is about to synthesise it; `redo` if an earlier run had started. */
  | { readonly kind: 'start'; readonly run: string; readonly redo: boolean }
  /**
   * PCM of one chunk. `offset` is where the chunk starts within its sentence, in samples, counted in this
   * run: the bot resumes a redone job from the same position instead of speaking it twice.
   */
  | { readonly kind: 'chunk'; readonly run: string; readonly seq: number; readonly sentenceIndex: number; readonly offset: number; readonly sampleRate: number; readonly samples: Int16Array }
  | { readonly kind: 'end'; readonly run: string }
  /** The job ended without (all of) its audio; `code` is the ChorusError code the bot rebuilds. */
  | { readonly kind: 'error'; readonly run: string; readonly code: string; readonly message: string; readonly deadline?: number };

/** PCM goes over the wire as little-endian 16-bit, whatever the machines' byte order. */
function encodeSamples(samples: Int16Array): Buffer {
  // The common case is a plain copy of the memory; only big-endian hosts swap byte by byte.
  if (LITTLE_ENDIAN_HOST) return Buffer.from(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength));
  const bytes = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) bytes.writeInt16LE(samples[i] as number, i * 2);
  return bytes;
}

function decodeSamples(bytes: Buffer): Int16Array {
  // Copied into a fresh buffer: a Buffer's own memory may be a shared pool at an odd offset.
  if (LITTLE_ENDIAN_HOST) return new Int16Array(Uint8Array.prototype.slice.call(bytes).buffer);
  const samples = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
  return samples;
}

/** Flat field/value list for XADD. */
export function encodeEntry(entry: ChunkStreamEntry): (string | Buffer)[] {
  switch (entry.kind) {
    case 'start':
      return ['kind', 'start', 'run', entry.run, 'redo', entry.redo ? '1' : '0'];
    case 'chunk':
      return ['kind', 'chunk', 'run', entry.run, 'seq', String(entry.seq), 'sentence', String(entry.sentenceIndex), 'offset', String(entry.offset), 'rate', String(entry.sampleRate), 'pcm', encodeSamples(entry.samples)];
    case 'end':
      return ['kind', 'end', 'run', entry.run];
    case 'error':
      return ['kind', 'error', 'run', entry.run, 'code', entry.code, 'message', entry.message, ...(entry.deadline === undefined ? [] : ['deadline', String(entry.deadline)])];
  }
}

/** Reads one stream entry's fields (as returned by XREAD with Buffer replies); throws InvalidChunkEntryError. */
export function decodeEntry(jobId: string, fields: readonly Buffer[]): ChunkStreamEntry {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set((fields[i] as Buffer).toString('utf8'), fields[i + 1] as Buffer);
  const text = (name: string): string => {
    const value = map.get(name);
    if (value === undefined) throw new InvalidChunkEntryError(jobId, `missing field "${name}"`);
    return value.toString('utf8');
  };
  const whole = (name: string): number => {
    const value = Number(text(name));
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidChunkEntryError(jobId, `field "${name}" is not a whole number`);
    return value;
  };
  const kind = text('kind');
  const run = text('run');
  switch (kind) {
    case 'start':
      return { kind, run, redo: text('redo') === '1' };
    case 'chunk': {
      const pcm = map.get('pcm');
      if (pcm === undefined || pcm.length % 2 !== 0) throw new InvalidChunkEntryError(jobId, 'PCM missing or of odd length');
      const sampleRate = whole('rate');
      if (sampleRate === 0) throw new InvalidChunkEntryError(jobId, 'sample rate 0');
      return { kind, run, seq: whole('seq'), sentenceIndex: whole('sentence'), offset: whole('offset'), sampleRate, samples: decodeSamples(pcm) };
    }
    case 'end':
      return { kind, run };
    case 'error': {
      const deadline = map.has('deadline') ? whole('deadline') : undefined;
      return deadline === undefined ? { kind, run, code: text('code'), message: text('message') } : { kind, run, code: text('code'), message: text('message'), deadline };
    }
    default:
      throw new InvalidChunkEntryError(jobId, `unknown entry kind "${kind}"`);
  }
}
