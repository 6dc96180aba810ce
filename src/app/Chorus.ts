import { ChatPolicy } from '../chat/ChatPolicy.ts';
import type { ChatEvent } from '../chat/ChatEvent.ts';
import type { DropReason as PolicyDropReason } from '../chat/PolicyDecision.ts';
import type { Config } from '../config/Config.ts';
import type { Logger } from '../log/createLogger.ts';
import { InProcessSynthesisQueue } from '../queue/InProcessSynthesisQueue.ts';
import type { SynthesisQueue } from '../queue/SynthesisQueue.ts';
import type { AudioSink } from '../playback/AudioSink.ts';
import { createOpusFramePipeline } from '../playback/OpusFramePipeline.ts';
import { PlaybackQueue } from '../playback/PlaybackQueue.ts';
import { Player } from '../playback/Player.ts';
import type { PlaybackTargetId, SpeechJob } from '../speech/SpeechJob.ts';
import type { SynthesisEngine } from '../synthesis/SynthesisEngine.ts';
import { TextFrontEnd } from '../text/TextFrontEnd.ts';
import { VoiceEnrollment } from '../voices/VoiceEnrollment.ts';
import { VoiceRegistry } from '../voices/VoiceRegistry.ts';
import { createEngine } from './createEngine.ts';
import { RegistryVoiceChooser } from './RegistryVoiceChooser.ts';

/** What became of one chat event. */
export type SayOutcome =
  | { readonly kind: 'queued'; readonly job: SpeechJob; readonly evicted?: SpeechJob }
  | { readonly kind: 'dropped'; readonly reason: PolicyDropReason | 'queue-full' | 'duplicate'; readonly detail: string };

export interface ChorusOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** An engine built by the caller (tests, benchmarks); otherwise the configured one. Chorus closes it. */
  readonly engine?: SynthesisEngine;
}

/**
 * The assembled pipeline in one process: chat policy → per-target players → synthesis queue → engine →
 * frames → sinks, with the voice registry beside it. Gateways and the CLI drive it; it knows none of them.
 */
export class Chorus {
  readonly config: Config;
  readonly logger: Logger;
  readonly registry: VoiceRegistry;
  readonly enrollment: VoiceEnrollment;
  readonly engine: SynthesisEngine;
  readonly synthesis: SynthesisQueue;
  readonly voices: RegistryVoiceChooser;
  readonly #policy: ChatPolicy;
  readonly #players = new Map<PlaybackTargetId, Player>();
  readonly #sinks = new Map<PlaybackTargetId, Set<AudioSink>>();
  #closed = false;

  private constructor(options: ChorusOptions, registry: VoiceRegistry, engine: SynthesisEngine) {
    const { config, logger } = options;
    this.config = config;
    this.logger = logger;
    this.registry = registry;
    this.engine = engine;
    this.voices = new RegistryVoiceChooser(registry, engine, logger);
    this.enrollment = new VoiceEnrollment({
      registry,
      engines: [engine],
      maxUploadBytes: config.uploads.maxBytes,
      policy: { maxSeconds: config.uploads.maxClipSeconds },
    });
    this.synthesis = new InProcessSynthesisQueue({ engine, concurrency: config.engine.concurrency });
    const text = new TextFrontEnd({ maxCharacters: config.text.maxCharacters, emoji: config.text.emoji });
    this.#policy = new ChatPolicy(text, this.voices, { ignoreBots: true, maxAgeMs: { default: config.queue.maxAgeSeconds * 1000 } });
  }

  static async start(options: ChorusOptions): Promise<Chorus> {
    const { config, logger } = options;
    const registry = await VoiceRegistry.open(config.paths.database, config.paths.voicesDir);
    const recovery = registry.lastRecovery;
    if (recovery !== undefined && recovery.removedDirectories.length > 0) {
      logger.warn({ removed: recovery.removedDirectories.length }, 'removed voice folders left by an interrupted registration');
    }
    try {
      const engine = options.engine ?? (await createEngine(config));
      logger.debug({ engine: engine.id, sampleRate: engine.sampleRate }, 'engine ready');
      return new Chorus(options, registry, engine);
    } catch (error) {
      await registry.close();
      throw error;
    }
  }

  /** Runs an event through chat policy and queues it for its target. */
  async say(event: ChatEvent): Promise<SayOutcome> {
    const decision = await this.#policy.decide(event);
    if (decision.kind === 'drop') {
      this.logger.debug({ event: event.id, reason: decision.reason }, 'message not read: %s', decision.detail);
      return { kind: 'dropped', reason: decision.reason, detail: decision.detail };
    }
    const result = this.player(event.target).enqueue(decision.job);
    if (!result.accepted) {
      const detail = result.reason === 'duplicate' ? 'this message is already queued' : 'the queue is full of more important messages';
      return { kind: 'dropped', reason: result.reason, detail };
    }
    return result.evicted === undefined ? { kind: 'queued', job: decision.job } : { kind: 'queued', job: decision.job, evicted: result.evicted };
  }

  /** Sends a target's audio to `sink` as well, from its next utterance on. */
  attachSink(target: PlaybackTargetId, sink: AudioSink): void {
    let sinks = this.#sinks.get(target);
    if (sinks === undefined) this.#sinks.set(target, (sinks = new Set()));
    sinks.add(sink);
    this.#players.get(target)?.attach(sink);
  }

  detachSink(target: PlaybackTargetId, sink: AudioSink): void {
    this.#sinks.get(target)?.delete(sink);
    this.#players.get(target)?.detach(sink);
  }

  /** The target's player, created on first use with the configured queue limits. */
  player(target: PlaybackTargetId): Player {
    const existing = this.#players.get(target);
    if (existing !== undefined) return existing;
    if (this.#closed) throw new Error('Chorus is shutting down');
    const player = new Player({
      queue: new PlaybackQueue({ target, maxLength: this.config.queue.maxLength }),
      synthesis: this.synthesis,
      resolveVoice: (voiceId) => this.voices.resolve(voiceId),
      createFramePipeline: createOpusFramePipeline,
    });
    for (const sink of this.#sinks.get(target) ?? []) player.attach(sink);
    player.on('drop', (drop) => this.logger.info({ target, job: drop.job.id, reason: drop.reason }, 'dropped: %s', drop.detail));
    player.on('sinkError', (error) => this.logger.error({ target, err: error }, 'an audio output failed'));
    player.on('utteranceEnd', (report) => {
      const { metrics } = report;
      const fields = { target, job: report.utterance.jobId, outcome: report.outcome, frames: report.framesWritten, firstAudioMs: metrics.queuedToFirstChunkMs, totalMs: metrics.totalMs };
      if (report.outcome === 'failed') this.logger.error({ ...fields, err: report.error }, 'could not speak a message');
      else this.logger.debug(fields, 'utterance ended');
    });
    this.#players.set(target, player);
    return player;
  }

  players(): readonly Player[] {
    return [...this.#players.values()];
  }

  /** Resolves once every player has nothing playing and nothing waiting (for scripts and the CLI). */
  async whenIdle(): Promise<void> {
    const busy = (): Player | undefined => this.players().find((player) => player.state.status !== 'idle' || player.queue.length > 0);
    for (let player = busy(); player !== undefined; player = busy()) {
      const waitFor = player;
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (waitFor.state.status === 'idle' && waitFor.queue.length === 0) {
            waitFor.off('stateChange', check);
            resolve();
          }
        };
        waitFor.on('stateChange', check);
        check();
      });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#players.values()].map((player) => player.close()));
    await this.synthesis.close();
    await this.engine.close();
    await this.registry.close();
  }
}
