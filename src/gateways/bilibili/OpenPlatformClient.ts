import { BilibiliApiError } from './BilibiliApiError.ts';
import type { BilibiliEvent } from './BilibiliEvent.ts';
import { commandOf } from './CommandParser.ts';
import { DanmakuAuthError } from './DanmakuAuthError.ts';
import { describeCloseReason, isAuthFailure, type ConnectionCloseReason } from './DanmakuConnection.ts';
import { DanmakuDisconnectedError } from './DanmakuDisconnectedError.ts';
import { OpenPlatformApi, OpenPlatformCode, type OpenPlatformApiOptions, type OpenPlatformGame } from './OpenPlatformApi.ts';
import { INTERACTION_END, parseOpenPlatformCommand } from './OpenPlatformCommandParser.ts';
import { RoomClient, type RoomAttempt, type RoomClientEvents, type RoomClientOptions, type RoomClientState } from './RoomClient.ts';
import { ChorusError } from '../../util/ChorusError.ts';

export interface OpenPlatformClientOptions extends OpenPlatformApiOptions, RoomClientOptions {
  /** The streamer's 身份码. */
  readonly authCode: string;
  /** Project heartbeat (HTTP); the session dies without one for about a minute. Default 20 s. */
  readonly appHeartbeatIntervalMs?: number;
  /** Bound on the end call made by `close()`. */
  readonly endTimeoutMs?: number;
}

/** The Open Platform route's own states; idle, waiting and closed are every route's. */
type OpenPlatformRouteState =
  | { readonly status: 'starting' }
  | { readonly status: 'connecting'; readonly gameId: string; readonly url: string }
  | { readonly status: 'connected'; readonly gameId: string; readonly since: number }
  | { readonly status: 'ending'; readonly gameId: string };

export type OpenPlatformClientState = RoomClientState<OpenPlatformRouteState>;

export interface OpenPlatformClientEvents extends RoomClientEvents<OpenPlatformClientState> {
  /** A new game (session) started; `anchor.roomId` is the streamer's room. */
  gameStart: [game: OpenPlatformGame];
}

/**
 * The official Open Platform route (互动玩法): starts a game with the streamer's 身份码, keeps it alive with the
 * app heartbeat, reads its WebSocket, and ends it on close. A refused auth, an expired game (7003) or the server's
 * INTERACTION_END start a fresh game.
 */
export class OpenPlatformClient extends RoomClient<OpenPlatformClientEvents, OpenPlatformGame, OpenPlatformRouteState> {
  readonly #options: OpenPlatformClientOptions;
  readonly #api: OpenPlatformApi;
  #game: OpenPlatformGame | undefined;
  /** Why the current game must be replaced, if it must. */
  #gameStale: string | undefined;
  #appHeartbeat: NodeJS.Timeout | undefined;
  #linkIndex = 0;

  constructor(options: OpenPlatformClientOptions) {
    super(options);
    this.#options = options;
    this.#api = new OpenPlatformApi(options);
  }

  /** The running game, if any. */
  get game(): OpenPlatformGame | undefined {
    return this.#game;
  }

  /** Replaces a stale game (ending it first) or starts the first one, then picks the next of its links. */
  protected override async prepare(signal: AbortSignal): Promise<RoomAttempt<OpenPlatformGame>> {
    if (this.#game !== undefined && this.#gameStale !== undefined) await this.#endGame();
    if (this.#game === undefined) {
      this.enter({ status: 'starting' });
      this.#game = await this.#api.start(this.#options.authCode, signal);
      this.#gameStale = undefined;
      this.#linkIndex = 0;
      this.#startAppHeartbeat(this.#game.gameId);
      this.emit('gameStart', this.#game);
    }
    const game = this.#game;
    return { url: game.wssLinks[this.#linkIndex % game.wssLinks.length]!, authBody: game.authBody, target: game };
  }

  protected override explainPrepareError(error: unknown): ChorusError {
    return new BilibiliApiError('/v2/app/start', (error as Error).message, { retryable: true, cause: error });
  }

  protected override connecting(game: OpenPlatformGame, url: string): OpenPlatformRouteState {
    return { status: 'connecting', gameId: game.gameId, url };
  }

  protected override connected(game: OpenPlatformGame, since: number): Extract<OpenPlatformRouteState, { status: 'connected' }> {
    return { status: 'connected', gameId: game.gameId, since };
  }

  /** INTERACTION_END means Bilibili killed the game: replace it rather than read it as an event. */
  protected override parse(body: unknown, receivedAt: number, game: OpenPlatformGame): readonly BilibiliEvent[] {
    if (commandOf(body) === INTERACTION_END) {
      this.#replaceGame('Bilibili ended the Open Platform session');
      return [];
    }
    return parseOpenPlatformCommand(body, { roomId: game.anchor.roomId, receivedAt });
  }

  protected override afterClose(reason: ConnectionCloseReason): 'back-off' | 'retry-now' {
    if (this.#gameStale !== undefined && reason.kind === 'closed-by-client') {
      // We closed it to replace the game: start the new one at once.
      this.emit('warning', new DanmakuDisconnectedError(this.#gameStale));
      return 'retry-now';
    }
    this.#linkIndex++;
    if (isAuthFailure(reason)) {
      this.#gameStale = describeCloseReason(reason);
      this.emit('warning', new DanmakuAuthError(describeCloseReason(reason), 'Chorus starts a new Open Platform session and reconnects.'));
    } else {
      this.emit('warning', new DanmakuDisconnectedError(describeCloseReason(reason)));
    }
    return 'back-off';
  }

  #replaceGame(reason: string): void {
    if (this.#gameStale !== undefined) return;
    this.#gameStale = reason;
    this.#stopAppHeartbeat();
    this.dropConnection();
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
      this.#api.heartbeat(gameId, this.signal).catch((error: unknown) => {
        if (this.signal.aborted || this.#game?.gameId !== gameId) return;
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

  /** close() ends the game before the client reports `closed`, so the slot is free by then. */
  protected override release(): Promise<void> {
    return this.#endGame();
  }

  /** Ends the current game (best effort: a failure is a warning, the game times out on Bilibili's side anyway). */
  async #endGame(): Promise<void> {
    this.#stopAppHeartbeat();
    const game = this.#game;
    if (game === undefined) return;
    this.#game = undefined;
    this.enter({ status: 'ending', gameId: game.gameId });
    try {
      await this.#api.end(game.gameId, AbortSignal.timeout(this.#options.endTimeoutMs ?? 5_000));
    } catch (error) {
      this.emit('warning', error instanceof ChorusError ? error : new BilibiliApiError('/v2/app/end', String(error), { retryable: false }));
    }
  }
}
