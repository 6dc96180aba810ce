import { EventEmitter } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { OggOpusWriter } from '../audio/OggOpusWriter.ts';
import { WavWriter } from '../audio/WavWriter.ts';
import { FRAME_SAMPLE_RATE, type AudioFrame } from '../playback/AudioFrame.ts';
import type { AudioSink, UtteranceInfo, UtteranceOutcome } from '../playback/AudioSink.ts';
import { ChorusError } from '../util/ChorusError.ts';

export type AudioFileFormat = 'ogg' | 'wav';

export class UnsupportedAudioFileError extends ChorusError {
  constructor(path: string) {
    super('unsupported-audio-file', `Cannot write "${path}": Chorus writes .ogg (Opus) and .wav files; choose one of those extensions.`);
  }
}

export function audioFileFormat(path: string): AudioFileFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.ogg' || extension === '.opus') return 'ogg';
  if (extension === '.wav') return 'wav';
  throw new UnsupportedAudioFileError(path);
}

export interface UtteranceFileSinkOptions {
  /** The file for an utterance; its extension picks the format. */
  readonly pathFor: (utterance: UtteranceInfo) => string;
  /** Channels of the Opus frames this sink receives (the frame pipeline's setting). */
  readonly opusChannels: 1 | 2;
  /** Keep files of utterances that were skipped or failed part-way. Default false: they are deleted. */
  readonly keepIncomplete?: boolean;
}

export interface UtteranceFileSinkEvents {
  /** A finished utterance's file is complete on disk. */
  written: [utterance: UtteranceInfo, path: string, seconds: number];
}

type OpenFile =
  | { readonly format: 'ogg'; readonly path: string; readonly writer: OggOpusWriter; readonly stream: WriteStream; frames: number }
  | { readonly format: 'wav'; readonly path: string; readonly writer: WavWriter; frames: number };

/**
 * Writes each utterance to its own audio file: Ogg Opus straight from the encoded frames (no re-encoding),
 * or 16-bit 48 kHz mono WAV from the frames' PCM.
 */
export class UtteranceFileSink extends EventEmitter<UtteranceFileSinkEvents> implements AudioSink {
  readonly #options: UtteranceFileSinkOptions;
  #file: OpenFile | undefined;

  constructor(options: UtteranceFileSinkOptions) {
    super();
    this.#options = options;
  }

  async begin(utterance: UtteranceInfo): Promise<void> {
    const path = this.#options.pathFor(utterance);
    const format = audioFileFormat(path);
    await mkdir(dirname(path), { recursive: true });
    if (format === 'wav') {
      this.#file = { format, path, writer: await WavWriter.create(path, FRAME_SAMPLE_RATE, 1), frames: 0 };
      return;
    }
    const stream = createWriteStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    this.#file = { format, path, stream, writer: new OggOpusWriter({ channels: this.#options.opusChannels, output: stream }), frames: 0 };
  }

  async write(frame: AudioFrame): Promise<void> {
    const file = this.#file;
    if (file === undefined) return;
    file.frames += 1;
    if (file.format === 'wav') await file.writer.write(frame.pcm);
    else file.writer.writePacket(frame.opus);
  }

  async end(utterance: UtteranceInfo, outcome: UtteranceOutcome): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    if (file === undefined) return;
    if (file.format === 'wav') {
      await file.writer.close();
    } else {
      file.writer.end();
      await new Promise<void>((resolve, reject) => file.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    }
    if (outcome !== 'finished' && this.#options.keepIncomplete !== true) {
      await rm(file.path, { force: true });
      return;
    }
    this.emit('written', utterance, file.path, (file.frames * 20) / 1000);
  }
}
