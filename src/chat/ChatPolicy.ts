import type { PriorityClass } from '../speech/SpeechJob.ts';
import type { Sentence } from '../text/TextPart.ts';
import type { ChatEvent } from './ChatEvent.ts';
import type { PolicyDecision } from './PolicyDecision.ts';

/** Turns raw chat text into sentences ready for an engine (the text front end does this). */
export interface TextProcessor {
  process(text: string): Sentence[];
}

/** Picks the voice an event is spoken in: the explicitly named one, else the author's selection, else the default. */
export interface VoiceChooser {
  chooseVoice(event: ChatEvent): Promise<string>;
}

export interface ChatPolicyOptions {
  readonly ignoreBots: boolean;
  /** How long an utterance of each class may wait before it is no longer worth saying. */
  readonly maxAgeMs: Readonly<Partial<Record<PriorityClass, number>>> & { readonly default: number };
  readonly mutedUserIds?: ReadonlySet<string>;
}

/**
 * The platform-independent read-aloud policy: filters, priority and deadline, normalised text.
 * Platform-specific rules (Discord settings, Bilibili templates) run in front of it and hand it a ChatEvent.
 */
export class ChatPolicy {
  readonly #text: TextProcessor;
  readonly #voices: VoiceChooser;
  readonly #options: ChatPolicyOptions;

  constructor(text: TextProcessor, voices: VoiceChooser, options: ChatPolicyOptions) {
    this.#text = text;
    this.#voices = voices;
    this.#options = options;
  }

  async decide(event: ChatEvent): Promise<PolicyDecision> {
    if (this.#options.ignoreBots && event.author.isBot === true) {
      return { kind: 'drop', reason: 'bot', detail: `${event.author.displayName} is a bot` };
    }
    if (this.#options.mutedUserIds?.has(`${event.platform}:${event.author.userId}`) === true) {
      return { kind: 'drop', reason: 'muted', detail: `${event.author.displayName} is muted` };
    }
    const sentences = this.#text.process(event.text);
    if (sentences.length === 0) {
      return { kind: 'drop', reason: 'empty', detail: 'nothing readable was left after cleaning the text' };
    }
    const voiceId = await this.#voices.chooseVoice(event);
    const priority: PriorityClass = event.kind === 'command' ? 'command' : 'chat';
    const maxAge = this.#options.maxAgeMs[priority] ?? this.#options.maxAgeMs.default;
    return {
      kind: 'speak',
      job: {
        id: event.id,
        target: event.target,
        speaker: { platform: event.platform, userId: event.author.userId, displayName: event.author.displayName },
        voiceId,
        displayText: event.text,
        sentences,
        priority,
        createdAt: event.receivedAt,
        deadline: event.receivedAt + maxAge,
      },
    };
  }
}
