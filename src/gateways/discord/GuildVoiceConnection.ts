import { EventEmitter } from 'node:events';
import {
  entersState,
  joinVoiceChannel,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
  type DiscordGatewayAdapterCreator,
  type VoiceConnection,
  type VoiceConnectionState,
} from '@discordjs/voice';
import type { Logger } from '../../log/createLogger.ts';
import { DiscordUserError } from './DiscordUserError.ts';

/** Where one guild's voice connection stands, as the bot sees it. */
export type GuildVoiceState =
  | { readonly status: 'disconnected' }
  | { readonly status: 'connecting'; readonly channelId: string }
  | { readonly status: 'ready'; readonly channelId: string }
  | { readonly status: 'reconnecting'; readonly channelId: string; readonly attempt: number }
  | { readonly status: 'failed'; readonly channelId: string; readonly reason: string; readonly cause: VoiceFailureCause };

/**
 * Why the connection gave up: removed from the channel (4014 with no move following), Discord's voice rate limit
 * (4021), the call ended (4022), end-to-end encryption refused (4017, repeatedly), or any other run of closes.
 */
export type VoiceFailureCause = 'kicked' | 'rate-limited' | 'call-ended' | 'dave' | 'unstable';

/** One give-up, as reported to whoever tells the guild. */
export interface VoiceFailure {
  readonly cause: VoiceFailureCause;
  readonly reason: string;
  readonly channelId: string;
  /** Closes counted in the rejoin window when the cap was reached (0 for a single final close or a kick). */
  readonly closes: number;
  readonly windowMs: number;
  /** True when a join() was waiting: its caller reports the failure, so nobody else should. */
  readonly whileJoining: boolean;
}

export interface GuildVoiceConnectionEvents {
  stateChange: [oldState: GuildVoiceState, newState: GuildVoiceState];
  gaveUp: [failure: VoiceFailure];
}

export interface GuildVoiceConnectionOptions {
  readonly guildId: string;
  readonly adapterCreator: DiscordGatewayAdapterCreator;
  readonly logger: Logger;
  /** Rejoins allowed within `rejoinWindowMs` before giving up. Default 3. */
  readonly maxRejoins?: number;
  readonly rejoinWindowMs?: number;
  /** How long a join may take before it is abandoned. Default 15 s. */
  readonly readyTimeoutMs?: number;
  /** After a 4014 close, how long to wait for the signalling of a move before treating it as a kick. Default 5 s. */
  readonly moveGraceMs?: number;
}

/** Voice close codes after which Discord says not to reconnect (rate limited, call terminated). */
const FINAL_CLOSE_CODES = new Set([4021, 4022]);
const CLOSE_REASONS: Readonly<Record<number, string>> = {
  4014: 'the bot was disconnected from the channel',
  4017: 'Discord requires end-to-end encryption (DAVE) and the handshake failed',
  4021: 'Discord rate-limited voice connections',
  4022: 'the call was ended',
};
const CLOSE_CAUSES: Readonly<Record<number, VoiceFailureCause>> = { 4014: 'kicked', 4017: 'dave', 4021: 'rate-limited', 4022: 'call-ended' };

/**
 * One guild's voice connection over @discordjs/voice, with the reconnection policy @discordjs/voice 0.19.2 lacks:
 * it rejoins on every close except 4014, in a tight loop on 4017/4021/4022, which would exhaust the gateway's
 * 120 sends per minute. Here 4021/4022 end the connection at once, and any other run of closes gets at most
 * `maxRejoins` rejoins per window; then the connection is destroyed and the state says why.
 */
export class GuildVoiceConnection extends EventEmitter<GuildVoiceConnectionEvents> {
  readonly guildId: string;
  readonly #adapterCreator: DiscordGatewayAdapterCreator;
  readonly #logger: Logger;
  readonly #maxRejoins: number;
  readonly #rejoinWindowMs: number;
  readonly #readyTimeoutMs: number;
  readonly #moveGraceMs: number;
  #connection: VoiceConnection | undefined;
  #state: GuildVoiceState = { status: 'disconnected' };
  #rejoins: number[] = [];
  #lastCloseCode: number | undefined;
  /** join() calls waiting for Ready; a give-up meanwhile is reported by their error, not by an event listener. */
  #joining = 0;
  /** Rejoins counted over the connection's life, for tests and logs. */
  totalRejoins = 0;

  constructor(options: GuildVoiceConnectionOptions) {
    super();
    this.guildId = options.guildId;
    this.#adapterCreator = options.adapterCreator;
    this.#logger = options.logger;
    this.#maxRejoins = options.maxRejoins ?? 3;
    this.#rejoinWindowMs = options.rejoinWindowMs ?? 60_000;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
    this.#moveGraceMs = options.moveGraceMs ?? 5000;
  }

  get state(): GuildVoiceState {
    return this.#state;
  }

  /** The live @discordjs/voice connection, if any (the sink sends through it). */
  get connection(): VoiceConnection | undefined {
    return this.#connection;
  }

  get channelId(): string | undefined {
    return this.#state.status === 'disconnected' ? undefined : this.#state.channelId;
  }

  /** Joins (or moves to) a voice channel and waits until audio can be sent. */
  async join(channelId: string): Promise<void> {
    const existing = this.#connection;
    if (existing !== undefined && existing.state.status !== VoiceConnectionStatus.Destroyed) {
      if (this.#state.status === 'ready' && this.#state.channelId === channelId) return;
      existing.rejoin({ channelId, selfDeaf: true, selfMute: false });
    } else {
      this.#rejoins = [];
      const connection = joinVoiceChannel({ guildId: this.guildId, channelId, adapterCreator: this.#adapterCreator, selfDeaf: true, selfMute: false });
      this.#connection = connection;
      connection.on('stateChange', (oldState, newState) => this.#onStateChange(connection, oldState, newState));
      connection.on('error', (error) => this.#logger.warn({ guild: this.guildId, err: error }, 'voice connection error'));
    }
    this.#setState({ status: 'connecting', channelId });
    const connection = this.#connection as VoiceConnection;
    this.#joining += 1;
    try {
      await entersState(connection, VoiceConnectionStatus.Ready, this.#readyTimeoutMs);
    } catch (error) {
      const failed = this.#state;
      this.leave();
      const reason = failed.status === 'failed' ? failed.reason : 'Discord did not complete the voice connection in time';
      throw new DiscordUserError('voice-join-failed', `I could not join the voice channel: ${reason}. Check that I may Connect and Speak there, then try /join again.`, { cause: error });
    } finally {
      this.#joining -= 1;
    }
  }

  /**
   * The bot's own voice state as Discord reports it (VOICE_STATE_UPDATE, after @discordjs/voice has seen it).
   * A moderator dragging the bot elsewhere shows up here as a new channel id: the connection follows (Discord
   * moves the session; @discordjs/voice reconnects to the new voice server if one is announced), so only the
   * channel we report changes. A null channel while connected means someone disconnected the bot: give up at
   * once instead of waiting out the 4014 move grace.
   */
  observeOwnVoiceState(channelId: string | null): void {
    const connection = this.#connection;
    const state = this.#state;
    if (connection === undefined || state.status === 'disconnected' || state.status === 'failed') return;
    if (channelId === null) {
      this.#giveUp(connection, CLOSE_REASONS[4014] as string, 'kicked', 0);
      return;
    }
    if (channelId === state.channelId) return;
    this.#logger.info({ guild: this.guildId, from: state.channelId, to: channelId }, 'moved to another voice channel');
    this.#setState({ ...state, channelId });
  }

  /** Leaves the channel and forgets the connection. */
  leave(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined && connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
    if (this.#state.status !== 'failed') this.#setState({ status: 'disconnected' });
  }

  #setState(next: GuildVoiceState): void {
    const previous = this.#state;
    this.#state = next;
    this.emit('stateChange', previous, next);
  }

  #giveUp(connection: VoiceConnection, reason: string, cause: VoiceFailureCause, closes: number): void {
    if (this.#connection !== connection) return;
    const channelId = this.channelId ?? '';
    this.#logger.warn({ guild: this.guildId, reason, cause, rejoins: this.totalRejoins }, 'gave up on the voice connection');
    this.#setState({ status: 'failed', channelId, reason, cause });
    this.#connection = undefined;
    this.emit('gaveUp', { cause, reason, channelId, closes, windowMs: this.#rejoinWindowMs, whileJoining: this.#joining > 0 });
    // Not synchronously: this runs inside @discordjs/voice's own state change, which still uses the adapter after it.
    setImmediate(() => {
      if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
    });
  }

  #onStateChange(connection: VoiceConnection, oldState: VoiceConnectionState, newState: VoiceConnectionState): void {
    if (this.#connection !== connection) return;
    const channelId = connection.joinConfig.channelId ?? this.channelId ?? '';
    // Watch each new networking instance for the close code; VoiceConnection does not expose it otherwise.
    const networking = 'networking' in newState ? newState.networking : undefined;
    const oldNetworking = 'networking' in oldState ? oldState.networking : undefined;
    if (networking !== undefined && networking !== oldNetworking) {
      networking.once('close', (code: number) => {
        this.#lastCloseCode = code;
        if (FINAL_CLOSE_CODES.has(code)) this.#giveUp(connection, CLOSE_REASONS[code] ?? `voice closed with ${code}`, CLOSE_CAUSES[code] ?? 'unstable', 0);
      });
    }
    switch (newState.status) {
      case VoiceConnectionStatus.Ready:
        this.#setState({ status: 'ready', channelId });
        break;
      case VoiceConnectionStatus.Signalling:
        if (oldState.status === VoiceConnectionStatus.Ready || oldState.status === VoiceConnectionStatus.Connecting) this.#countRejoin(connection, channelId);
        break;
      case VoiceConnectionStatus.Disconnected:
        this.#onDisconnected(connection, newState, channelId);
        break;
      case VoiceConnectionStatus.Destroyed:
        if (this.#state.status !== 'failed') this.#setState({ status: 'disconnected' });
        this.#connection = undefined;
        break;
      default:
        break;
    }
  }

  /** The voice server closed the socket and @discordjs/voice is rejoining; allow only a few per window. */
  #countRejoin(connection: VoiceConnection, channelId: string): void {
    const now = Date.now();
    this.#rejoins = this.#rejoins.filter((at) => now - at < this.#rejoinWindowMs);
    this.#rejoins.push(now);
    this.totalRejoins += 1;
    if (this.#rejoins.length > this.#maxRejoins) {
      const code = this.#lastCloseCode;
      const why = code === undefined ? 'the voice server kept closing the connection' : (CLOSE_REASONS[code] ?? `the voice server kept closing the connection (code ${code})`);
      // A repeated 4014 is not a kick (a kick gives up before any rejoin); only DAVE keeps its own cause here.
      this.#giveUp(connection, why, code === 4017 ? 'dave' : 'unstable', this.#rejoins.length);
      return;
    }
    this.#setState({ status: 'reconnecting', channelId, attempt: this.#rejoins.length });
  }

  #onDisconnected(connection: VoiceConnection, state: VoiceConnectionState & { status: VoiceConnectionStatus.Disconnected }, channelId: string): void {
    if (state.reason === VoiceConnectionDisconnectReason.WebSocketClose && state.closeCode === 4014) {
      // Kicked, or moved to another channel: a move is followed by signalling within a few seconds.
      this.#setState({ status: 'reconnecting', channelId, attempt: 1 });
      Promise.race([
        entersState(connection, VoiceConnectionStatus.Signalling, this.#moveGraceMs),
        entersState(connection, VoiceConnectionStatus.Connecting, this.#moveGraceMs),
      ]).catch(() => this.#giveUp(connection, CLOSE_REASONS[4014] as string, 'kicked', 0));
      return;
    }
    this.#countRejoin(connection, channelId);
    if (this.#connection === connection) connection.rejoin();
  }
}
