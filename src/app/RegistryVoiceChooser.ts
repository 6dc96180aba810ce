import type { ChatEvent } from '../chat/ChatEvent.ts';
import type { VoiceChooser } from '../chat/ChatPolicy.ts';
import { readFile } from 'node:fs/promises';
import { decodeAudio } from '../audio/decodeAudio.ts';
import type { Logger } from '../log/createLogger.ts';
import type { SynthesisEngine, VoiceForSynthesis } from '../synthesis/SynthesisEngine.ts';
import type { Voice } from '../voices/Voice.ts';
import { VoiceNotFoundError } from '../voices/VoiceNotFoundError.ts';
import type { VoiceRegistry } from '../voices/VoiceRegistry.ts';
import { DEFAULT_VOICE, DEFAULT_VOICE_ID } from './DefaultVoice.ts';

/**
 * Chooses and resolves voices through the registry: a voice named in the message (if the author may use it),
 * else the author's selected voice in this scope, else the default voice.
 */
export class RegistryVoiceChooser implements VoiceChooser {
  readonly #registry: VoiceRegistry;
  readonly #engine: Pick<SynthesisEngine, 'id' | 'analyseVoice'>;
  readonly #logger: Logger;
  /** One analysis per voice at a time, however many messages wait for it. */
  readonly #analysing = new Map<string, Promise<VoiceForSynthesis>>();

  constructor(registry: VoiceRegistry, engine: Pick<SynthesisEngine, 'id' | 'analyseVoice'>, logger: Logger) {
    this.#registry = registry;
    this.#engine = engine;
    this.#logger = logger;
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

  /**
   * The voice as an engine needs it; a voice deleted while its message waited falls back to the default.
   * A voice registered while another engine was configured has no features for this one: they are computed
   * once from its stored reference clip and saved, so switching engines never forces users to re-register.
   */
  async resolve(voiceId: string): Promise<VoiceForSynthesis> {
    if (voiceId === DEFAULT_VOICE_ID) return DEFAULT_VOICE;
    const voice = await this.#registry.get(voiceId);
    if (voice === undefined) return DEFAULT_VOICE;
    if (voice.features[this.#engine.id] !== undefined) return forSynthesis(voice);
    let pending = this.#analysing.get(voice.id);
    if (pending === undefined) {
      pending = this.#backfill(voice).finally(() => this.#analysing.delete(voice.id));
      this.#analysing.set(voice.id, pending);
    }
    return pending;
  }

  async #backfill(voice: Voice): Promise<VoiceForSynthesis> {
    try {
      const clip = await decodeAudio(await readFile(this.#registry.referencePath(voice)));
      const features = await this.#engine.analyseVoice(clip, voice.transcript, voice.language);
      const updated = await this.#registry.setEngineFeatures(voice.id, this.#engine.id, features);
      this.#logger.info({ voice: voice.id, engine: this.#engine.id }, 'prepared voice "%s" for the %s engine', voice.name, this.#engine.id);
      return forSynthesis(updated);
    } catch (error) {
      // The engine then speaks with its stock voice rather than not at all.
      this.#logger.warn({ voice: voice.id, engine: this.#engine.id, err: error }, 'could not prepare voice "%s" for the %s engine', voice.name, this.#engine.id);
      return forSynthesis(voice);
    }
  }
}

function forSynthesis(voice: Voice): VoiceForSynthesis {
  return { id: voice.id, language: voice.language, features: voice.features };
}
