import { open, type FileHandle } from 'node:fs/promises';

const HEADER_BYTES = 44;

/** Encodes 16-bit PCM (interleaved when channels > 1) as a complete WAV file. */
export function encodeWav(samples: Int16Array, sampleRate: number, channels = 1): Buffer {
  const header = wavHeader(samples.length * 2, sampleRate, channels);
  return Buffer.concat([header, int16ToLittleEndian(samples)]);
}

/**
 * Streams 16-bit PCM to a WAV file. The header is written first with zero sizes and patched on
 * close(), so a crash mid-write leaves a file most tools still open (they read to end of file).
 *
 * States: 'open' → (close) → 'closed'.
 */
export class WavWriter {
  readonly sampleRate: number;
  readonly channels: number;
  #file: FileHandle;
  #dataBytes = 0;
  #state: { readonly status: 'open' } | { readonly status: 'closed' } = { status: 'open' };

  private constructor(file: FileHandle, sampleRate: number, channels: number) {
    this.#file = file;
    this.sampleRate = sampleRate;
    this.channels = channels;
  }

  static async create(path: string, sampleRate: number, channels = 1): Promise<WavWriter> {
    const file = await open(path, 'w');
    await file.write(wavHeader(0, sampleRate, channels), 0, HEADER_BYTES, 0);
    return new WavWriter(file, sampleRate, channels);
  }

  /** Bytes of PCM written so far (header excluded). */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  async write(samples: Int16Array): Promise<void> {
    if (this.#state.status !== 'open') throw new Error('WavWriter.write() after close()');
    const bytes = int16ToLittleEndian(samples);
    // Claim the range before awaiting, so concurrent write() calls land in call order.
    const position = HEADER_BYTES + this.#dataBytes;
    this.#dataBytes += bytes.length;
    await this.#file.write(bytes, 0, bytes.length, position);
  }

  /** Patches the RIFF and data sizes and closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#state.status === 'closed') return;
    this.#state = { status: 'closed' };
    try {
      await this.#file.write(wavHeader(this.#dataBytes, this.sampleRate, this.channels), 0, HEADER_BYTES, 0);
    } finally {
      await this.#file.close();
    }
  }
}

function wavHeader(dataBytes: number, sampleRate: number, channels: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  const blockAlign = channels * 2;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28); // byte rate
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** WAV is little-endian; writeInt16LE keeps that true whatever the host byte order. */
function int16ToLittleEndian(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}
