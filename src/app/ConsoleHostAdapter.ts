import { readFile } from 'node:fs/promises';
import type { ChatEvent } from '../chat/ChatEvent.ts';
import type { ConsoleHost, ConsoleQueueEntry, ConsoleVoiceEntry } from '../gateways/console/ConsoleHost.ts';
import { CONSOLE_TARGET } from '../gateways/console/ConsoleGateway.ts';
import type { VoiceOwner } from '../voices/Voice.ts';
import type { Chorus } from './Chorus.ts';
import { DEFAULT_VOICE_ID } from './DefaultVoice.ts';
import { describeEnrollment } from '../voices/describeEnrollment.ts';

const LOCAL_USER: VoiceOwner = { platform: 'console', userId: 'local' };

/** Connects the console gateway's commands to the pipeline, as the local operator. */
export class ConsoleHostAdapter implements ConsoleHost {
  readonly #chorus: Chorus;

  constructor(chorus: Chorus) {
    this.#chorus = chorus;
  }

  async say(event: ChatEvent): Promise<string | undefined> {
    const outcome = await this.#chorus.say(event);
    return outcome.kind === 'dropped' ? outcome.detail : undefined;
  }

  async selectVoice(name: string): Promise<string> {
    const { registry } = this.#chorus;
    if (name.toLowerCase() === DEFAULT_VOICE_ID) {
      await registry.clearSelection(LOCAL_USER);
      return 'Now speaking with the default voice.';
    }
    const voice = await registry.findByName(name, LOCAL_USER);
    if (voice === undefined) return `There is no voice called "${name}". /voices lists them.`;
    await registry.selectVoice(LOCAL_USER, undefined, voice.id);
    return `Now speaking as "${voice.name}".`;
  }

  async listVoices(): Promise<readonly ConsoleVoiceEntry[]> {
    const { registry } = this.#chorus;
    const selected = await registry.selectedVoice(LOCAL_USER);
    const voices = await registry.listUsable(LOCAL_USER);
    return voices.map((voice) => ({
      name: voice.name,
      language: voice.language,
      mine: voice.owner.platform === LOCAL_USER.platform && voice.owner.userId === LOCAL_USER.userId,
      selected: voice.id === selected?.id,
    }));
  }

  async cloneVoice(name: string, file: string, transcript: string, language: 'zh' | 'en'): Promise<string> {
    const bytes = await readFile(file);
    const result = await this.#chorus.enrollment.enroll({
      bytes,
      name,
      transcript,
      language,
      owner: LOCAL_USER,
      scope: { kind: 'private' },
      consent: {
        confirmedBy: LOCAL_USER,
        confirmedAt: new Date(),
        statement: 'The operator at the local console registered this clip, confirming it is their own voice or that they have the speaker’s consent.',
      },
    });
    await this.#chorus.registry.selectVoice(LOCAL_USER, undefined, result.voice.id);
    return `${describeEnrollment(result)}\nNow speaking as "${result.voice.name}".`;
  }

  skip(): boolean {
    return this.#chorus.player(CONSOLE_TARGET).skip();
  }

  clear(): number {
    return this.#chorus.player(CONSOLE_TARGET).clear();
  }

  queue(): readonly ConsoleQueueEntry[] {
    const snapshot = this.#chorus.player(CONSOLE_TARGET).snapshot();
    const entries: ConsoleQueueEntry[] = [];
    if (snapshot.current !== undefined) entries.push({ speaker: snapshot.current.speaker.displayName, text: snapshot.current.displayText, playing: true });
    for (const entry of snapshot.queue.entries) entries.push({ speaker: entry.speaker.displayName, text: entry.displayText, playing: false });
    return entries;
  }
}
