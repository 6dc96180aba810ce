import type { ChatEvent } from '../../chat/ChatEvent.ts';

/** One line of the voice list the console prints. */
export interface ConsoleVoiceEntry {
  readonly name: string;
  readonly language: string;
  readonly mine: boolean;
  readonly selected: boolean;
}

/** One waiting or playing utterance, for `/queue`. */
export interface ConsoleQueueEntry {
  readonly speaker: string;
  readonly text: string;
  readonly playing: boolean;
}

/**
 * What the console gateway needs from the rest of Chorus. The app implements it; the gateway never sees
 * engines, players or the registry, so it stays a thin translator of typed lines into calls.
 */
export interface ConsoleHost {
  say(event: ChatEvent): Promise<string | undefined>;
  selectVoice(name: string): Promise<string>;
  listVoices(): Promise<readonly ConsoleVoiceEntry[]>;
  cloneVoice(name: string, file: string, transcript: string, language: 'zh' | 'en'): Promise<string>;
  skip(): boolean;
  clear(): number;
  queue(): readonly ConsoleQueueEntry[];
}
