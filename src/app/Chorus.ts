import { BacklogWarner } from '../chat/BacklogWarner.ts';
import { ChatAccounting } from '../chat/ChatAccounting.ts';
import { ChatPolicy, type ChatPolicyOptions } from '../chat/ChatPolicy.ts';
import { ViewerVoiceChooser } from '../chat/ViewerVoiceChooser.ts';
import { MuteList, type MuteChange, type MutedViewer } from '../chat/MuteList.ts';
import { ViewerMuteStore } from '../chat/ViewerMuteStore.ts';
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
import type { PlaybackTargetId, PriorityClass, SpeechJob } from '../speech/SpeechJob.ts';
import { ChorusError } from '../util/ChorusError.ts';
import type { Platform, VoiceOwner } from '../voices/Voice.ts';
import type { SynthesisEngine } from '../synthesis/SynthesisEngine.ts';
import { TextFrontEnd } from '../text/TextFrontEnd.ts';
import { VoiceEnrollment } from '../voices/VoiceEnrollment.ts';
import { VoiceRegistry } from '../voices/VoiceRegistry.ts';
import { SqliteDatabase } from '../voices/SqliteDatabase.ts';
import { ViewerVoiceBindings } from '../voices/ViewerVoiceBindings.ts';
import { createEngine } from './createEngine.ts';
import { DEFAULT_VOICE_ID } from './DefaultVoice.ts';
import { RegistryVoiceChooser } from './RegistryVoiceChooser.ts';
import { isLiveRoomTarget } from './isLiveRoomTarget.ts';

/** The operator (console, CLI, settings files) owns the voices named in BILIBILI_VOICE_POOL and viewer bindings. */
const OPERATOR: VoiceOwner = { platform: 'console', userId: 'local' };

/** A voice name in the configuration that is not registered. */
export class UnknownConfiguredVoiceError extends ChorusError {
  constructor(setting: string, name: string) {
    super('unknown-configured-voice', `${setting} names the voice "${name}", which is not registered. Register it (chorus clone) or fix the name (chorus voices lists them).`);
  }
}

/** Live-room additions to the configuration, from settings files the caller read. */
export interface LiveChatOptions {
  /** Blocked words on top of CHAT_BLOCKED_WORDS. */
  readonly blockedWords?: readonly string[];
  /** Viewer → voice name bindings from a settings file (bindings made with the CLI take precedence). */
  readonly viewerVoices?: readonly { readonly platform: Platform; readonly viewerId: string; readonly voiceName: string; readonly setting: string }[];
}

interface ResolvedLiveVoices {
  readonly bindingsDb: SqliteDatabase;
  /** Mutes kept from earlier runs. */
  readonly mutes: readonly MutedViewer[];
  readonly pools: Partial<Record<Platform, readonly string[]>>;
  readonly fileBindings: ReadonlyMap<string, string>;
}

/** What became of one chat event. */
export type SayOutcome =
  | { readonly kind: 'queued'; readonly job: SpeechJob; readonly evicted?: SpeechJob }
  | { readonly kind: 'dropped'; readonly reason: PolicyDropReason | 'queue-full' | 'duplicate'; readonly detail: string };

export interface ChorusOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** An engine built by the caller (tests, benchmarks); otherwise the configured one. Chorus closes it. */
  readonly engine?: SynthesisEngine;
  readonly live?: LiveChatOptions;
  /** Overrides of chat policy options (tests: a seeded random source, a clock). */
  readonly chatPolicy?: Partial<ChatPolicyOptions>;
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
  /** Viewers whose messages are not read; the control page and moderator commands change it at run time; kept in the database. */
  readonly mutes: MuteList;
  /** Where every chat event ended up; super chats and guards one by one. */
  readonly accounting: ChatAccounting;
  /** Voices the streamer gave to viewers (`chorus bili bind`). */
  readonly viewerVoices: ViewerVoiceBindings;
  readonly #bindingsDb: SqliteDatabase;
  readonly #policy: ChatPolicy;
  readonly #backlog: BacklogWarner;
  readonly #players = new Map<PlaybackTargetId, Player>();
  /** Mute writes in flight, in order; close() waits for them. */
  #muteWrites: Promise<void> = Promise.resolve();
  readonly #sinks = new Map<PlaybackTargetId, Set<AudioSink>>();
  #closed = false;

  private constructor(options: ChorusOptions, registry: VoiceRegistry, engine: SynthesisEngine, live: ResolvedLiveVoices, remoteSynthesis?: SynthesisQueue) {
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
    this.synthesis = remoteSynthesis ?? new InProcessSynthesisQueue({ engine, concurrency: config.engine.concurrency });
    const text = new TextFrontEnd({ maxCharacters: config.text.maxCharacters, emoji: config.text.emoji });
    // The pinyin dictionary builds its lookup tables on first use (~35 ms): do it now, not inside the first chat burst.
    text.process('你好');
    const chat = config.chat;
    const maxAgeMs: Partial<Record<PriorityClass, number>> = {};
    for (const [priority, seconds] of Object.entries(chat.maxAgeSeconds)) maxAgeMs[priority as PriorityClass] = seconds * 1000;
    this.#bindingsDb = live.bindingsDb;
    const muteStore = new ViewerMuteStore(live.bindingsDb);
    this.mutes = new MuteList({ restored: live.mutes, onChange: (change) => this.#persistMute(muteStore, change) });
    this.viewerVoices = new ViewerVoiceBindings(live.bindingsDb);
    const bound = this.viewerVoices;
    const viewerVoices = new ViewerVoiceChooser(this.voices, {
      defaultVoiceId: DEFAULT_VOICE_ID,
      pools: live.pools,
      bindings: {
        boundVoiceId: async (viewer, scopeId) => (await bound.boundVoiceId(viewer, scopeId)) ?? live.fileBindings.get(`${viewer.platform}:${viewer.userId}`),
      },
    });
    this.#policy = new ChatPolicy(text, viewerVoices, {
      ignoreBots: true,
      maxAgeMs: { default: config.queue.maxAgeSeconds * 1000, ...maxAgeMs },
      mutedUserIds: this.mutes.keys,
      readMode: chat.readMode,
      minGiftCny: chat.minGiftCny,
      paidGiftCny: chat.paidGiftCny,
      blockedWords: [...chat.blockedWords, ...(options.live?.blockedWords ?? [])],
      repeatWindowMs: chat.repeatWindowSeconds * 1000,
      ...(chat.viewerMaxPerMinute > 0 ? { viewerRate: { max: chat.viewerMaxPerMinute, windowMs: 60_000 } } : {}),
      sampleRate: chat.samplePercent / 100,
      ...options.chatPolicy,
    });
    this.#backlog = new BacklogWarner({ afterMs: chat.backlogWarnSeconds * 1000, everyMs: Math.max(60_000, chat.backlogWarnSeconds * 1000) });
    this.accounting = new ChatAccounting({
      onTrackedDrop: (item) => logger.warn({ job: item.id, priority: item.priority, reason: item.reason }, 'a %s was not read: %s', item.priority === 'superChat' ? 'super chat' : 'guard purchase', item.detail),
    });
  }

  /** Resolves the configured voice pool and file bindings to voice ids; an unknown name stops the start with a clear error. */
  static async #resolveLiveVoices(registry: VoiceRegistry, config: Config, live: LiveChatOptions | undefined): Promise<ResolvedLiveVoices> {
    const idOf = async (name: string, setting: string): Promise<string> => {
      if (name.toLowerCase() === DEFAULT_VOICE_ID) return DEFAULT_VOICE_ID;
      const voice = await registry.findByName(name, OPERATOR);
      if (voice === undefined) throw new UnknownConfiguredVoiceError(setting, name);
      return voice.id;
    };
    const bilibiliPool: string[] = [];
    for (const name of config.bilibili.voicePool) bilibiliPool.push(await idOf(name, 'BILIBILI_VOICE_POOL'));
    const fileBindings = new Map<string, string>();
    for (const binding of live?.viewerVoices ?? []) fileBindings.set(`${binding.platform}:${binding.viewerId}`, await idOf(binding.voiceName, binding.setting));
    // Its own connection to the registry's (already migrated) file: bindings are read on the hot path of every message.
    const bindingsDb = await SqliteDatabase.open(config.paths.database);
    try {
      return { bindingsDb, mutes: await new ViewerMuteStore(bindingsDb).list(), pools: { bilibili: bilibiliPool }, fileBindings };
    } catch (error) {
      await bindingsDb.close();
      throw error;
    }
  }

  static async start(options: ChorusOptions): Promise<Chorus> {
    const { config, logger } = options;
    const registry = await VoiceRegistry.open(config.paths.database, config.paths.voicesDir);
    const recovery = registry.lastRecovery;
    if (recovery !== undefined && recovery.removedDirectories.length > 0) {
      logger.warn({ removed: recovery.removedDirectories.length }, 'removed voice folders left by an interrupted registration');
    }
    try {
      // Before the engine starts, so a wrong voice name leaves no worker threads behind.
      const live = await Chorus.#resolveLiveVoices(registry, config, options.live);
      try {
        const engine = options.engine ?? (await createEngine(config));
        logger.debug({ engine: engine.id, sampleRate: engine.sampleRate }, 'engine ready');
        // With REDIS_URL set, `npm run worker` processes synthesise (bull is loaded only then); else this process does.
        const redisUrl = config.secrets.redisUrl;
        const remoteSynthesis = redisUrl === undefined ? undefined : await (await import('../queue/bull/BullSynthesisQueue.ts')).BullSynthesisQueue.start({
          redisUrl,
          logger,
          fallback: config.scaleOut.fallback === 'inprocess' ? { engine, concurrency: config.engine.concurrency } : undefined,
        });
        return new Chorus(options, registry, engine, live, remoteSynthesis);
      } catch (error) {
        await live.bindingsDb.close();
        throw error;
      }
    } catch (error) {
      await registry.close();
      throw error;
    }
  }

  /** Runs an event through chat policy and queues it for its target. */
  async say(event: ChatEvent): Promise<SayOutcome> {
    // A flood's full queue refuses most messages: find that out before the costly part of the decision.
    const queue = this.#players.get(event.target)?.queue;
    const decision = await this.#policy.decide(event, queue === undefined ? undefined : (priority, weight) => queue.wouldAccept(priority, weight));
    if (decision.kind === 'drop') {
      const priority = decision.priority ?? this.#policy.classify(event);
      this.accounting.received(event.id, priority);
      this.accounting.dropped(event.id, priority, decision.reason, decision.detail);
      this.logger.debug({ event: event.id, reason: decision.reason }, 'message not read: %s', decision.detail);
      return { kind: 'dropped', reason: decision.reason, detail: decision.detail };
    }
    this.accounting.received(decision.job.id, decision.job.priority);
    const player = this.player(event.target);
    const result = player.enqueue(decision.job);
    if (!result.accepted) {
      const detail = result.reason === 'duplicate' ? 'this message is already queued' : 'the queue is full of more important messages';
      // A refused 'queue-full' job was reported through the player's drop event already.
      if (result.reason === 'duplicate') this.accounting.dropped(decision.job.id, decision.job.priority, 'duplicate', detail);
      return { kind: 'dropped', reason: result.reason, detail };
    }
    this.accounting.queued(decision.job.id, decision.job.priority);
    if (decision.job.priority !== 'system') await this.#warnIfBehind(player, event);
    return result.evicted === undefined ? { kind: 'queued', job: decision.job } : { kind: 'queued', job: decision.job, evicted: result.evicted };
  }

  /** Withdraws a job that has not started (a recalled danmaku, a deleted super chat). Returns whether it was waiting. */
  retract(target: PlaybackTargetId, jobId: string): boolean {
    return this.#players.get(target)?.queue.remove(jobId, 'retracted') ?? false;
  }

  /** Speaks a backlog warning (system class, rate-limited) when the oldest waiting message has waited too long. */
  async #warnIfBehind(player: Player, event: ChatEvent): Promise<void> {
    const now = Date.now();
    let oldest = now;
    for (const { job } of player.queue.entries()) if (job.createdAt < oldest) oldest = job.createdAt;
    const warning = this.#backlog.check({ waiting: player.queue.length, oldestWaitMs: now - oldest }, now);
    if (warning === undefined) return;
    this.logger.warn({ target: event.target, waiting: player.queue.length, oldestWaitMs: now - oldest }, 'speech is falling behind the chat');
    await this.say({
      id: `backlog:${event.target}:${now}`,
      platform: event.platform,
      target: event.target,
      author: { userId: 'chorus', displayName: 'Chorus' },
      text: warning,
      kind: 'command',
      eventType: 'system',
      priority: 'system',
      receivedAt: now,
    });
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
      queue: new PlaybackQueue({ target, maxLength: isLiveRoomTarget(target) ? this.config.queue.liveMaxLength : this.config.queue.maxLength }),
      synthesis: this.synthesis,
      resolveVoice: (voiceId) => this.voices.resolve(voiceId),
      createFramePipeline: createOpusFramePipeline,
    });
    for (const sink of this.#sinks.get(target) ?? []) player.attach(sink);
    player.on('drop', (drop) => {
      this.accounting.dropped(drop.job.id, drop.job.priority, drop.reason, drop.detail);
      this.logger.info({ target, job: drop.job.id, reason: drop.reason }, 'dropped: %s', drop.detail);
    });
    player.on('utteranceStart', (utterance) => this.accounting.spoken(utterance.jobId, utterance.priority));
    player.on('sinkError', (error) => this.logger.error({ target, err: error }, 'an audio output failed'));
    player.on('utteranceEnd', (report) => {
      const { metrics } = report;
      const fields = { target, job: report.utterance.jobId, outcome: report.outcome, frames: report.framesWritten, firstAudioMs: metrics.queuedToFirstChunkMs, totalMs: metrics.totalMs };
      if (report.outcome === 'failed' && !report.started) this.accounting.dropped(report.utterance.jobId, report.utterance.priority, 'failed', 'the voice engine failed before any audio');
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
            waitFor.off('drop', check);
            resolve();
          }
        };
        waitFor.on('stateChange', check);
        // Expired jobs leave an idle player's queue without a state change.
        waitFor.on('drop', check);
        check();
      });
    }
  }

  /** The list changed at once (chat policy reads it synchronously); the database follows, in order. */
  #persistMute(store: ViewerMuteStore, change: MuteChange): void {
    this.#muteWrites = this.#muteWrites
      .then(() => (change.kind === 'mute' ? store.save(change.viewer) : store.remove(change.viewer)))
      .catch((error: unknown) => {
        this.logger.warn({ err: error, viewer: `${change.viewer.platform}:${change.viewer.userId}` }, 'could not save a %s to the database; it holds until the bot restarts', change.kind);
      });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#players.values()].map((player) => player.close()));
    await this.synthesis.close();
    await this.engine.close();
    await this.#muteWrites;
    await this.#bindingsDb.close();
    await this.registry.close();
  }
}
