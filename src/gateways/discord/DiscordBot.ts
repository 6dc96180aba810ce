import { PermissionFlagsBits, type Client, type Guild, type GuildMember, type Message, type VoiceState } from 'discord.js';
import type { ChatEvent } from '../../chat/ChatEvent.ts';
import type { Logger } from '../../log/createLogger.ts';
import { DiscordVoiceSink } from '../../sinks/DiscordVoiceSink.ts';
import { AttachmentFetcher } from './AttachmentFetcher.ts';
import { CloneConsent } from './CloneConsent.ts';
import { DiscordMessageReader, type DiscordMessageInput, type ReadDecision } from './DiscordMessageReader.ts';
import { DiscordUserError } from './DiscordUserError.ts';
import type { GuildStore } from './GuildStore.ts';
import { GuildVoiceConnection, type VoiceFailure } from './GuildVoiceConnection.ts';
import { guildTarget, type SpeechHost } from './SpeechHost.ts';
import { UserRateLimiter } from './UserRateLimiter.ts';
import { voiceLossNotice } from './voiceLossNotice.ts';

export interface DiscordBotOptions {
  readonly host: SpeechHost;
  readonly store: GuildStore;
  readonly logger: Logger;
  readonly fetcher: AttachmentFetcher;
  readonly limiter?: UserRateLimiter;
  /** Wait this long after the bot is left alone before leaving (someone may be rejoining). Default 10 s. */
  readonly autoLeaveGraceMs?: number;
  readonly maxRejoins?: number;
  /** After a 4014 voice close, how long a move may take before it counts as a kick. Default 5 s. */
  readonly voiceMoveGraceMs?: number;
}

/** One guild's voice connection and the sink feeding it. */
interface GuildSession {
  readonly voice: GuildVoiceConnection;
  readonly sink: DiscordVoiceSink;
  leaveTimer: NodeJS.Timeout | undefined;
}

export const DEFAULT_RATE_LIMITS = {
  say: { uses: 10, windowMs: 30_000 },
  clone: { uses: 3, windowMs: 10 * 60_000 },
} as const;

/**
 * The Discord side of Chorus: per-guild voice sessions, and the glue from discord.js objects to the plain
 * modules (message reader, guild store, pipeline). Slash commands call into it; it never formats replies.
 */
export class DiscordBot {
  readonly host: SpeechHost;
  readonly store: GuildStore;
  readonly logger: Logger;
  readonly fetcher: AttachmentFetcher;
  readonly limiter: UserRateLimiter;
  readonly reader = new DiscordMessageReader();
  readonly consent = new CloneConsent();
  readonly #sessions = new Map<string, GuildSession>();
  readonly #autoLeaveGraceMs: number;
  readonly #maxRejoins: number | undefined;
  readonly #voiceMoveGraceMs: number | undefined;
  readonly #limitTimers = new Map<string, NodeJS.Timeout>();
  /** Per guild, removes the length watch from the guild's player (the player outlives the bot in tests' restarts). */
  readonly #watched = new Map<string, () => void>();

  constructor(options: DiscordBotOptions) {
    this.host = options.host;
    this.store = options.store;
    this.logger = options.logger;
    this.fetcher = options.fetcher;
    this.limiter = options.limiter ?? new UserRateLimiter(DEFAULT_RATE_LIMITS);
    this.#autoLeaveGraceMs = options.autoLeaveGraceMs ?? 10_000;
    this.#maxRejoins = options.maxRejoins;
    this.#voiceMoveGraceMs = options.voiceMoveGraceMs;
  }

  /** The guild's voice connection, if the bot has one. */
  voice(guildId: string): GuildVoiceConnection | undefined {
    return this.#sessions.get(guildId)?.voice;
  }

  /** Joins `channelId` (creating the guild's session and sink), and binds `textChannelId` for reading if given. */
  async join(guild: Guild, channelId: string, textChannelId?: string): Promise<void> {
    const channel = guild.channels.cache.get(channelId);
    if (channel === undefined || !channel.isVoiceBased()) throw new DiscordUserError('not-voice-channel', 'That is not a voice channel. Pick a voice channel, or join one and run the command without a channel.');
    const me = guild.members.me;
    if (me !== null && !channel.permissionsFor(me).has(['Connect', 'Speak'])) {
      throw new DiscordUserError('voice-permission', `I may not connect and speak in ${channel.name}. Give me the Connect and Speak permissions there.`);
    }
    const session = this.#session(guild);
    if (textChannelId !== undefined) await this.store.bindChannel(guild.id, textChannelId);
    await session.voice.join(channelId);
    await this.store.rememberVoiceChannel(guild.id, channelId);
  }

  /**
   * Leaves voice and stops this guild's audio. Returns whether the bot was connected. /leave also unbinds the
   * text channel; leaving because nobody listens keeps it bound, so autojoin can bring the bot back.
   */
  async leave(guildId: string, options: { readonly unbind?: boolean } = {}): Promise<boolean> {
    const session = this.#sessions.get(guildId);
    this.#sessions.delete(guildId);
    if (options.unbind !== false) await this.store.bindChannel(guildId, null);
    // Left on purpose (or nobody listened): a restart should not bring the bot back.
    await this.store.rememberVoiceChannel(guildId, null);
    this.reader.forget(guildId);
    if (session === undefined) return false;
    clearTimeout(session.leaveTimer);
    const target = guildTarget(guildId);
    this.host.player(target).stop();
    this.host.detachSink(target, session.sink);
    const wasConnected = session.voice.state.status !== 'disconnected' && session.voice.state.status !== 'failed';
    session.voice.leave();
    return wasConnected;
  }

  /** Makes sure the bot is in a voice channel for `member` to be heard: its current one, else the member's. */
  async ensureJoined(member: GuildMember): Promise<void> {
    const status = this.voice(member.guild.id)?.state.status;
    if (status === 'ready' || status === 'connecting' || status === 'reconnecting') return;
    const channelId = member.voice.channelId;
    if (channelId === null) throw new DiscordUserError('caller-not-in-voice', 'Join a voice channel first (or use /join), then try again.');
    await this.join(member.guild, channelId);
  }

  /** /say: queues `text` for the caller's guild in their voice (or `voiceName`). Returns the queued job's event id. */
  async say(member: GuildMember, eventId: string, text: string, voiceName: string | undefined): Promise<void> {
    this.limiter.take('say', member.id);
    await this.ensureJoined(member);
    const state = await this.store.load(member.guild.id);
    const prepared = DiscordMessageReader.prepareCommandText(text, state);
    if (prepared === '') throw new DiscordUserError('say-empty', 'There is nothing to say: write some text.');
    const event: ChatEvent = {
      id: eventId,
      platform: 'discord',
      target: guildTarget(member.guild.id),
      scopeId: member.guild.id,
      author: { userId: member.id, displayName: member.displayName },
      text: prepared,
      kind: 'command',
      ...(voiceName === undefined ? {} : { voiceName }),
      receivedAt: Date.now(),
    };
    const outcome = await this.host.say(event);
    if (outcome.kind === 'dropped') throw new DiscordUserError('say-dropped', `Not queued: ${outcome.detail}.`);
  }

  /** A message in a guild: read it aloud if the guild's settings say so. Returns the decision (for logs and tests). */
  async onMessage(message: Message): Promise<ReadDecision | undefined> {
    if (!message.inGuild() || message.author.id === message.client.user.id) return undefined;
    const guild = message.guild;
    // Taken before any await: the member's roles and voice channel as they were when the message arrived.
    const authorVoice = guild.voiceStates.cache.get(message.author.id)?.channelId ?? undefined;
    const input = { ...toReaderInput(message, authorVoice), receivedAt: Date.now() };
    const state = await this.store.load(guild.id);
    let voice = this.voice(guild.id);
    // Only with no connection at all. Not while one is being set up or followed to a moderator's move (a join
    // would drag the bot to the author's channel), and not after a give-up (kicked, DAVE, rate limit…): pulling
    // the bot back on every message would fight a moderator or repeat the failure; the notice asked for /join.
    const idle = voice === undefined || voice.state.status === 'disconnected';
    if (state.settings.autojoin && idle && message.channelId === state.boundChannelId && authorVoice !== undefined && !message.author.bot) {
      await this.join(guild, authorVoice).catch((error: unknown) => this.logger.warn({ guild: guild.id, err: error }, 'autojoin failed'));
      voice = this.voice(guild.id);
    }
    const decision = this.reader.read(input, { ...state, botVoiceChannelId: voice?.channelId });
    if (decision.kind === 'skip') {
      this.logger.debug({ guild: guild.id, message: message.id, reason: decision.reason }, 'message not read');
      return decision;
    }
    const member = message.member;
    const outcome = await this.host.say({
      id: message.id,
      platform: 'discord',
      target: guildTarget(guild.id),
      scopeId: guild.id,
      // Bots were already filtered by this guild's setting; ChatPolicy must not filter them again.
      author: { userId: message.author.id, displayName: member?.displayName ?? message.author.displayName },
      text: decision.text,
      kind: 'chat',
      // Our clock, not the snowflake's: queue ages must not depend on clock skew with Discord.
      receivedAt: Date.now(),
    });
    if (outcome.kind === 'dropped') this.logger.debug({ guild: guild.id, message: message.id, detail: outcome.detail }, 'message dropped');
    return decision;
  }

  /** Voice channel changes: follow the bot's own moves, announce joins/leaves, and leave when the bot is alone. */
  async onVoiceStateUpdate(oldState: VoiceState, newState: VoiceState): Promise<void> {
    const guild = newState.guild;
    if (newState.id === guild.client.user.id) {
      await this.#onOwnVoiceState(guild, newState.channelId);
      return;
    }
    const voice = this.voice(guild.id);
    const botChannel = voice?.state.status === 'failed' ? undefined : voice?.channelId;
    if (botChannel === undefined) return;
    const joined = newState.channelId === botChannel && oldState.channelId !== botChannel;
    const left = oldState.channelId === botChannel && newState.channelId !== botChannel;
    if (!joined && !left) return;
    const state = await this.store.load(guild.id);
    const member = newState.member ?? oldState.member;
    if (state.settings.announceJoinLeave && member !== null && !member.user.bot) {
      const name = state.dictionary.apply(member.displayName);
      await this.host.say({
        id: `voice-${newState.id}-${Date.now()}`,
        platform: 'discord',
        target: guildTarget(guild.id),
        scopeId: guild.id,
        author: { userId: member.id, displayName: member.displayName },
        text: joined ? `${name} joined.` : `${name} left.`,
        kind: 'chat',
        receivedAt: Date.now(),
      });
    }
    this.#checkListeners(guild, state.settings.autoLeave);
  }

  /**
   * The bot's own voice state. A moderator may drag the bot to another channel: Discord closes the voice socket
   * with 4014 (or not, when the voice server stays the same) and announces the new channel and server;
   * @discordjs/voice reconnects there. The bot follows rather than jumping back: whoever moved it wanted it
   * there, and a bot that returns by itself fights the moderator. The new channel is remembered for a restart,
   * and whether anyone listens there is checked again. A null channel while connected is a kick.
   */
  async #onOwnVoiceState(guild: Guild, channelId: string | null): Promise<void> {
    const voice = this.voice(guild.id);
    if (voice === undefined) return;
    const before = voice.channelId;
    voice.observeOwnVoiceState(channelId);
    const after = voice.channelId;
    if (channelId === null || voice.state.status === 'failed' || after === undefined || after === before) return;
    await this.store.rememberVoiceChannel(guild.id, after);
    const state = await this.store.load(guild.id);
    this.#checkListeners(guild, state.settings.autoLeave);
  }

  /**
   * Starts the auto-leave grace when nobody but bots is in the bot's channel; cancels it when someone is. The
   * channel is read now, not when the triggering event arrived: a member's move and the bot's own move are
   * handled concurrently, and the last check must see where the bot is.
   */
  #checkListeners(guild: Guild, autoLeave: boolean): void {
    const session = this.#sessions.get(guild.id);
    const botChannel = session?.voice.state.status === 'failed' ? undefined : session?.voice.channelId;
    if (session === undefined || botChannel === undefined || !autoLeave) return;
    const humans = guild.voiceStates.cache.filter((voice) => voice.channelId === botChannel && voice.id !== guild.client.user.id && voice.member?.user.bot !== true).size;
    clearTimeout(session.leaveTimer);
    session.leaveTimer = undefined;
    if (humans === 0) {
      session.leaveTimer = setTimeout(() => {
        this.logger.info({ guild: guild.id }, 'left voice: nobody is listening');
        this.leave(guild.id, { unbind: false }).catch((error: unknown) => this.logger.warn({ guild: guild.id, err: error }, 'auto-leave failed'));
      }, this.#autoLeaveGraceMs);
    }
  }

  /**
   * After a restart: rejoins the voice channel each guild's bot was in when it stopped (with a text channel
   * still bound), if someone is listening there now; otherwise forgets it. Joins run side by side; a failure is
   * logged and forgotten (the bound channel stays, so /join or autojoin still work).
   */
  async resumeVoice(client: Client<true>): Promise<void> {
    const sessions = await this.store.voiceSessionsToResume();
    await Promise.all(sessions.map(async ({ guildId, voiceChannelId }) => {
      const guild = client.guilds.cache.get(guildId);
      const listeners = guild?.voiceStates.cache.filter((voice) => voice.channelId === voiceChannelId && voice.id !== client.user.id && voice.member?.user.bot !== true).size ?? 0;
      if (guild === undefined || listeners === 0 || this.#sessions.has(guildId)) {
        if (!this.#sessions.has(guildId)) await this.store.rememberVoiceChannel(guildId, null);
        return;
      }
      try {
        await this.join(guild, voiceChannelId);
        this.logger.info({ guild: guildId, channel: voiceChannelId }, 'rejoined voice after a restart');
      } catch (error) {
        this.logger.warn({ guild: guildId, err: error }, 'could not rejoin voice after a restart');
        await this.store.rememberVoiceChannel(guildId, null);
      }
    }));
  }

  /** Posts a give-up in the guild's bound text channel, if there is one and the bot may write there. */
  async #tellVoiceLost(guild: Guild, failure: VoiceFailure): Promise<void> {
    await this.store.rememberVoiceChannel(guild.id, null);
    if (failure.whileJoining) return;
    const bound = (await this.store.load(guild.id)).boundChannelId;
    const channel = bound === undefined ? undefined : guild.channels.cache.get(bound);
    const me = guild.members.me;
    if (channel === undefined || !channel.isSendable() || me === null) return;
    if (!channel.permissionsFor(me).has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages])) {
      this.logger.info({ guild: guild.id, channel: bound }, 'voice lost; may not write in the bound channel to say so');
      return;
    }
    await channel.send({ content: voiceLossNotice(failure), allowedMentions: { parse: [] } });
  }

  async close(): Promise<void> {
    for (const guildId of [...this.#sessions.keys()]) {
      const session = this.#sessions.get(guildId);
      this.#sessions.delete(guildId);
      if (session === undefined) continue;
      clearTimeout(session.leaveTimer);
      this.host.detachSink(guildTarget(guildId), session.sink);
      session.voice.leave();
    }
    for (const timer of this.#limitTimers.values()) clearTimeout(timer);
    for (const unwatch of this.#watched.values()) unwatch();
    this.#watched.clear();
  }

  #session(guild: Guild): GuildSession {
    const existing = this.#sessions.get(guild.id);
    if (existing !== undefined) return existing;
    const voice = new GuildVoiceConnection({
      guildId: guild.id,
      adapterCreator: guild.voiceAdapterCreator,
      logger: this.logger,
      ...(this.#maxRejoins === undefined ? {} : { maxRejoins: this.#maxRejoins }),
      ...(this.#voiceMoveGraceMs === undefined ? {} : { moveGraceMs: this.#voiceMoveGraceMs }),
    });
    const sink = new DiscordVoiceSink({ connection: () => voice.connection });
    const session: GuildSession = { voice, sink, leaveTimer: undefined };
    voice.on('gaveUp', (failure) => {
      this.#tellVoiceLost(guild, failure).catch((error: unknown) => this.logger.warn({ guild: guild.id, err: error }, 'could not post the voice loss notice'));
    });
    const target = guildTarget(guild.id);
    this.host.attachSink(target, sink);
    this.#watchLength(guild.id);
    this.#sessions.set(guild.id, session);
    return session;
  }

  /** Cuts utterances longer than the guild's `maxSeconds`. */
  #watchLength(guildId: string): void {
    const player = this.host.player(guildTarget(guildId));
    if (this.#watched.has(guildId)) return;
    const onStart = (utterance: { readonly jobId: string }): void => {
      this.store.load(guildId).then((state) => {
        clearTimeout(this.#limitTimers.get(guildId));
        this.#limitTimers.set(guildId, setTimeout(() => player.skip(utterance.jobId), state.settings.maxSeconds * 1000));
      }, (error: unknown) => this.logger.warn({ guild: guildId, err: error }, 'could not load the guild\'s length limit'));
    };
    const onEnd = (): void => clearTimeout(this.#limitTimers.get(guildId));
    player.on('utteranceStart', onStart);
    player.on('utteranceEnd', onEnd);
    this.#watched.set(guildId, () => {
      player.off('utteranceStart', onStart);
      player.off('utteranceEnd', onEnd);
    });
  }
}

/** The plain input the reader needs, from a discord.js message. */
export function toReaderInput(message: Message<true>, authorVoiceChannelId: string | undefined): DiscordMessageInput {
  const guild = message.guild;
  const users = new Map<string, string>();
  for (const [id, user] of message.mentions.users) users.set(id, message.mentions.members?.get(id)?.displayName ?? user.displayName);
  const roles = new Map<string, string>();
  const channels = new Map<string, string>();
  for (const match of message.content.matchAll(/<@&(\d+)>|<#(\d+)>/g)) {
    if (match[1] !== undefined) {
      const role = guild.roles.cache.get(match[1]);
      if (role) roles.set(role.id, role.name);
    } else if (match[2] !== undefined) {
      const channel = guild.channels.cache.get(match[2]);
      if (channel) channels.set(channel.id, channel.name);
    }
  }
  const member = message.member;
  return {
    id: message.id,
    guildId: guild.id,
    channelId: message.channelId,
    author: {
      id: message.author.id,
      ...(member?.nickname ? { nickname: member.nickname } : {}),
      name: message.author.displayName,
      isBot: message.author.bot,
      roleIds: member ? [...member.roles.cache.keys()].filter((id) => id !== guild.id) : [],
      ...(authorVoiceChannelId === undefined ? {} : { voiceChannelId: authorVoiceChannelId }),
    },
    content: message.content,
    mentions: { users, roles, channels },
    attachments: [...message.attachments.values()].map((attachment) => ({ filename: attachment.name, ...(attachment.contentType ? { contentType: attachment.contentType } : {}) })),
    receivedAt: message.createdTimestamp,
  };
}
