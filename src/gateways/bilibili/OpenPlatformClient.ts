import { EventEmitter } from 'node:events';
import { BilibiliApiError } from './BilibiliApiError.ts';
import type { BilibiliEvent } from './BilibiliEvent.ts';
import { commandOf } from './CommandParser.ts';
import { DanmakuAuthError } from './DanmakuAuthError.ts';
import { DanmakuConnection, describeCloseReason, type ConnectionCloseReason } from './DanmakuConnection.ts';
import { DanmakuDisconnectedError } from './DanmakuDisconnectedError.ts';
import { OpenPlatformApi, OpenPlatformCode, type OpenPlatformApiOptions, type OpenPlatformGame } from './OpenPlatformApi.ts';
import { INTERACTION_END, parseOpenPlatformCommand } from './OpenPlatformCommandParser.ts';
import { PacketCodec, type PacketCodecOptions } from './PacketCodec.ts';
import { PacketError } from './PacketError.ts';
import { ReconnectBackoff, type ReconnectBackoffOptions } from './ReconnectBackoff.ts';
import { sleep } from './sleep.ts';
import { ChorusError } from '../../util/ChorusError.ts';

export interface OpenPlatformClientOptions extends OpenPlatformApiOptions {
  /** The streamer's 身份码. */
  readonly authCode: string;
  /** Project heartbeat (HTTP); the session dies without one for about a minute. Default 20 s. */
  readonly appHeartbeatIntervalMs?: number;
  /** WebSocket heartbeat. Default 30 s. */
  readonly heartbeatIntervalMs?: number;
  readonly authTimeoutMs?: number;
  readonly receiveTimeoutMs?: number;
  readonly backoff?: ReconnectBackoffOptions;
  readonly codec?: PacketCodecOptions;
  /** Bound on the end call made by `close()`. */
  readonly endTimeoutMs?: number;
}

export type OpenPlatformClientState =
  | { readonly status: 'idle' }
  | { readonly status: 'starting' }
  | { readonly status: 'connecting'; readonly gameId: string; readonly url: string }
  | { readonly status: 'connected'; readonly gameId: string; readonly since: number }
  | { readonly status: 'waiting'; readonly delayMs: number; readonly reason: string }
  | { readonly status: 'ending'; readonly gameId: string }
  | { readonly status: 'closed'; readonly error?: ChorusError };

export interface OpenPlatformClientEvents {
  event: [event: BilibiliEvent];
  packetError: [error: PacketError];
  warning: [error: ChorusError];
  stateChange: [oldState: OpenPlatformClientState, newState: OpenPlatformClientState];
  /** A new game (session) started; `anchor.roomId` is the streamer's room. */
  gameStart: [game: OpenPlatformGame];
}

/**
 * The official Open Platform route (互动玩法): starts a game with the streamer's 身份码, keeps it alive with the
 * app heartbeat, reads its WebSocket, and ends it on close. A refused auth, an expired game (7003) or the server's
 * INTERACTION_END start a fresh game.
 */
export class OpenPlatformClient extends EventEmitter<OpenPlatformClientEvents> {
  readonly #options: OpenPlatformClientOptions;
  readonly #api: OpenPlatformApi;
  readonly #backoff: ReconnectBackoff;
  readonly #codec: PacketCodec;
  readonly #abort = new AbortController();
  #state: OpenPlatformClientState = { status: 'idle' };
  #game: OpenPlatformGame | undefined;
  /** Why the current game must be replaced, if it must. */
  #gameStale: string | undefined;
  #connection: DanmakuConnection | undefined;
  #appHeartbeat: NodeJS.Timeout | undefined;
  #linkIndex = 0;
  #run: Promise<void> | undefined;

  constructor(options: OpenPlatformClientOptions) {
    super();
    this.#options = options;
    this.#api = new OpenPlatformApi(options);
    this.#backoff = new ReconnectBackoff(options.backoff);
    this.#codec = new PacketCodec(options.codec);
  }

  get state(): OpenPlatformClientState {
    return this.#state;
  }

  /** The running game, if any. */
  get game(): OpenPlatformGame | undefined {
    return this.#game;
  }

  /** Starts the session; resolves once connected or stopped. */
  start(): Promise<void> {
    if (this.#run === undefined) this.#run = this.#loop();
    if (this.#state.status === 'connected' || this.#state.status === 'closed') return Promise.resolve();
    return new Promise((resolve) => {
      const onChange = (_old: OpenPlatformClientState, next: OpenPlatformClientState): void => {
        if (next.status === 'connected' || next.status === 'closed') {
          this.off('stateChange', onChange);
          resolve();
        }
      };
      this.on('stateChange', onChange);
    });
  }

  /** Stops: closes the socket, stops the heartbeat and ends the game on Bilibili so the slot is freed. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#connection?.close();
    await this.#run;
    const error = this.#state.status === 'closed' ? this.#state.error : undefined;
    await this.#endGame();
    this.#setState(error === undefined ? { status: 'closed' } : { status: 'closed', error });
  }

  #setState(next: OpenPlatformClientState): void {
    const previous = this.#state;
    this.#state = next;
    this.emit('stateChange', previous, next);
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      if (this.#game !== undefined && this.#gameStale !== undefined) await this.#endGame();
      if (this.#game === undefined) {
        this.#setState({ status: 'starting' });
        try {
          this.#game = await this.#api.start(this.#options.authCode, signal);
        } catch (error) {
          if (signal.aborted) break;
          const problem = error instanceof ChorusError ? error : new BilibiliApiError('/v2/app/start', (error as Error).message, { retryable: true, cause: error });
          if (problem instanceof BilibiliApiError && !problem.retryable) {
            this.#setState({ status: 'closed', error: problem });
            return;
          }
          this.emit('warning', problem);
          if (!(await this.#wait(problem.message, signal))) break;
          continue;
        }
        this.#gameStale = undefined;
        this.#linkIndex = 0;
        this.#startAppHeartbeat(this.#game.gameId);
        this.emit('gameStart', this.#game);
      }
      const game = this.#game;
      const url = game.wssLinks[this.#linkIndex % game.wssLinks.length]!;
      const reason = await this.#connectOnce(game, url);
      if (signal.aborted) break;
      if (this.#gameStale !== undefined && reason.kind === 'closed-by-client') {
        // We closed it to replace the game: start the new one at once.
        this.emit('warning', new DanmakuDisconnectedError(this.#gameStale));
        continue;
      }
      this.#linkIndex++;
      const authFailed = reason.kind === 'auth-refused' || reason.kind === 'auth-timeout' || (reason.kind === 'socket-closed' && !reason.authenticated);
      if (authFailed) {
        this.#gameStale = describeCloseReason(reason);
        this.emit('warning', new DanmakuAuthError(describeCloseReason(reason), 'Chorus starts a new Open Platform session and reconnects.'));
      } else {
        this.emit('warning', new DanmakuDisconnectedError(describeCloseReason(reason)));
      }
      if (!(await this.#wait(describeCloseReason(reason), signal))) break;
    }
  }

  async #connectOnce(game: OpenPlatformGame, url: string): Promise<ConnectionCloseReason> {
    const connection = new DanmakuConnection({
      url,
      authBody: game.authBody,
      codec: this.#codec,
      ...(this.#options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: this.#options.heartbeatIntervalMs }),
      ...(this.#options.authTimeoutMs === undefined ? {} : { authTimeoutMs: this.#options.authTimeoutMs }),
      ...(this.#options.receiveTimeoutMs === undefined ? {} : { receiveTimeoutMs: this.#options.receiveTimeoutMs }),
    });
    this.#connection = connection;
    connection.on('stateChange', (_old, next) => {
      if (next.status === 'open') {
        this.#backoff.reset();
        this.#setState({ status: 'connected', gameId: game.gameId, since: next.since });
      }
    });
    connection.on('packetError', (error) => this.emit('packetError', error));
    connection.on('command', (body, receivedAt) => this.#onCommand(body, receivedAt, game));
    this.#setState({ status: 'connecting', gameId: game.gameId, url });
    connection.connect();
    const reason = await connection.closed;
    this.#connection = undefined;
    return reason;
  }

  #onCommand(body: unknown, receivedAt: number, game: OpenPlatformGame): void {
    let events: BilibiliEvent[];
    try {
      if (commandOf(body) === INTERACTION_END) {
        this.#replaceGame('Bilibili ended the Open Platform session');
        return;
      }
      events = parseOpenPlatformCommand(body, { roomId: game.anchor.roomId, receivedAt });
    } catch (error) {
      this.emit('packetError', error instanceof PacketError ? error : new PacketError('bad-command', (error as Error).message, { cause: error }));
      return;
    }
    for (const event of events) this.emit('event', event);
  }

  #replaceGame(reason: string): void {
    if (this.#gameStale !== undefined) return;
    this.#gameStale = reason;
    this.#stopAppHeartbeat();
    void this.#connection?.close();
  }

  /** App heartbeats on a fixed grid; a 7003 answer means the game is gone and must be replaced. */
  #startAppHeartbeat(gameId: string): void {
    this.#stopAppHeartbeat();
    const interval = this.#options.appHeartbeatIntervalMs ?? 20_000;
    const epoch = Date.now();
    // Beat n is due at epoch + n·interval; the first one goes out one interval after start.
    let due = 1;
    const beat = (): void => {
      due++;
      this.#appHeartbeat = setTimeout(beat, Math.max(0, epoch + due * interval - Date.now()));
      this.#api.heartbeat(gameId, this.#abort.signal).catch((error: unknown) => {
        if (this.#abort.signal.aborted || this.#game?.gameId !== gameId) return;
        if (error instanceof BilibiliApiError && error.apiCode === OpenPlatformCode.gameExpired) {
          this.#replaceGame('the Open Platform session expired (7003)');
        } else {
          this.emit('warning', error instanceof ChorusError ? error : new BilibiliApiError('/v2/app/heartbeat', String(error), { retryable: true }));
        }
      });
    };
    this.#appHeartbeat = setTimeout(beat, interval);
  }

  #stopAppHeartbeat(): void {
    clearTimeout(this.#appHeartbeat);
    this.#appHeartbeat = undefined;
  }

  /** Ends the current game (best effort: a failure is a warning, the game times out on Bilibili's side anyway). */
  async #endGame(): Promise<void> {
    this.#stopAppHeartbeat();
    const game = this.#game;
    if (game === undefined) return;
    this.#game = undefined;
    this.#setState({ status: 'ending', gameId: game.gameId });
    try {
      await this.#api.end(game.gameId, AbortSignal.timeout(this.#options.endTimeoutMs ?? 5_000));
    } catch (error) {
      this.emit('warning', error instanceof ChorusError ? error : new BilibiliApiError('/v2/app/end', String(error), { retryable: false }));
    }
  }

  async #wait(reason: string, signal: AbortSignal): Promise<boolean> {
    const delayMs = this.#backoff.next();
    this.#setState({ status: 'waiting', delayMs, reason });
    return sleep(delayMs, signal);
  }
}
