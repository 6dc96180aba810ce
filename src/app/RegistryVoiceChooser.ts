import type { ChatEvent } from '../chat/ChatEvent.ts';
import type { VoiceChooser } from '../chat/ChatPolicy.ts';
import type { VoiceForSynthesis } from '../synthesis/SynthesisEngine.ts';
import { VoiceNotFoundError } from '../voices/VoiceNotFoundError.ts';
import type { VoiceRegistry } from '../voices/VoiceRegistry.ts';
import { DEFAULT_VOICE, DEFAULT_VOICE_ID } from './DefaultVoice.ts';

/**
 * Chooses and resolves voices through the registry: a voice named in the message (if the author may use it),
 * else the author's selected voice in this scope, else the default voice.
 */
export class RegistryVoiceChooser implements VoiceChooser {
  readonly #registry: VoiceRegistry;

  constructor(registry: VoiceRegistry) {
    this.#registry = registry;
  }

  async chooseVoice(event: ChatEvent): Promise<string> {
    const author = { platform: event.platform, userId: event.author.userId };
    if (event.voiceName !== undefined) {
      if (event.voiceName.toLowerCase() === DEFAULT_VOICE_ID) return DEFAULT_VOICE_ID;
      const named = await this.#registry.findByName(event.voiceName, author, event.scopeId);
      if (named === undefined) throw new VoiceNotFoundError(event.voiceName);
      return named.id;
    }
    const selected = await this.#registry.selectedVoice(author, event.scopeId);
    return selected?.id ?? DEFAULT_VOICE_ID;
  }

  /** The voice as an engine needs it; a voice deleted while its message waited falls back to the default. */
  async resolve(voiceId: string): Promise<VoiceForSynthesis> {
    if (voiceId === DEFAULT_VOICE_ID) return DEFAULT_VOICE;
    const voice = await this.#registry.get(voiceId);
    return voice === undefined ? DEFAULT_VOICE : { id: voice.id, language: voice.language, features: voice.features };
  }
}
