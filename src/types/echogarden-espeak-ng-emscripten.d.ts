// Minimal types for the parts of @echogarden/espeak-ng-emscripten that Chorus uses (the package ships none).
declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakEvent {
    readonly type: 'list_terminated' | 'word' | 'sentence' | 'mark' | 'play' | 'end' | 'msg_terminated' | 'phoneme' | 'samplerate';
    readonly text_position: number;
    readonly word_length: number;
    /** Milliseconds from the start of the utterance. */
    readonly audio_position: number;
    readonly id: string | number | undefined;
  }

  export interface EspeakVoiceInfo {
    readonly name: string;
    readonly identifier: string;
    readonly languages: ReadonlyArray<{ readonly priority: number; readonly name: string }>;
  }

  export interface ESpeakNGWorker {
    /** Output rate in Hz (22050 for this build). */
    readonly samplerate: number;
    /** Selects a voice by name, optionally with `+variant`; returns 0 on success (an unknown variant is ignored). */
    set_voice(name: string): number;
    /**
     * Synthesises synchronously; `callback` receives each chunk of 16-bit mono samples (a copy) with its events.
     * Returning true from the callback stops synthesis after that chunk.
     */
    synthesize(text: string, callback: (samples: Int16Array, events: EspeakEvent[]) => boolean): void;
    list_voices(): EspeakVoiceInfo[];
    set_rate(wordsPerMinute: number): void;
    set_pitch(pitch: number): void;
    set_range(range: number): void;
  }

  /** The in-memory Emscripten file system; espeak's data lives under /usr/share/espeak-ng-data. */
  export interface EspeakFileSystem {
    writeFile(path: string, data: string | Uint8Array): void;
    readFile(path: string, options: { encoding: 'utf8' }): string;
    readdir(path: string): string[];
  }

  export interface EspeakModule {
    readonly eSpeakNGWorker: new () => ESpeakNGWorker;
    readonly FS: EspeakFileSystem;
  }

  const initialize: (moduleArgument?: Record<string, unknown>) => Promise<EspeakModule>;
  export default initialize;
}
