import { BilibiliApiError } from './BilibiliApiError.ts';
import type { BilibiliEvent } from './BilibiliEvent.ts';
import { parseWebCommand } from './CommandParser.ts';
import { DanmakuAuthError } from './DanmakuAuthError.ts';
import { describeCloseReason as describe, isAuthFailure, type ConnectionCloseReason } from './DanmakuConnection.ts';
import { DanmakuDisconnectedError } from './DanmakuDisconnectedError.ts';
import { RoomClient, type RoomAttempt, type RoomClientEvents, type RoomClientOptions, type RoomClientState } from './RoomClient.ts';
import { WebRoomSession, type DanmakuHost, type WebConnectInfo, type WebRoomSessionOptions } from './WebRoomSession.ts';
import type { ChorusError } from '../../util/ChorusError.ts';

export interface DanmakuClientOptions extends WebRoomSessionOptions, RoomClientOptions {
  /** `wss` in production; tests use `ws` against the fake server. */
  readonly scheme?: 'wss' | 'ws';
  /** 2 asks for zlib bundles, 3 (default) for brotli. */
  readonly protocolVersion?: 2 | 3;
}

/** The web route's own states; idle, waiting and closed are every route's. */
type WebRouteState =
  | { readonly status: 'bootstrapping' }
  | { readonly status: 'connecting'; readonly host: string }
  | { readonly status: 'connected'; readonly host: string; readonly since: number };

export type DanmakuClientState = RoomClientState<WebRouteState>;

export interface DanmakuClientEvents extends RoomClientEvents<DanmakuClientState> {
  popularity: [value: number];
}

/** One web attempt: the bootstrap it used and the host it went to. */
interface WebTarget {
  readonly info: WebConnectInfo;
  readonly host: DanmakuHost;
}

/**
 * The web route: reads one live room's danmaku socket and emits typed events. Bootstraps through the HTTP API,
 * connects to the hosts the API names (rotating on each failure), reconnects with exponential backoff and jitter,
 * and fetches a fresh token after an auth failure (and every few failed attempts).
 */
export class DanmakuClient extends RoomClient<DanmakuClientEvents, WebTarget, WebRouteState> {
  readonly #options: DanmakuClientOptions;
  readonly #session: WebRoomSession;
  #hostIndex = 0;
  #failuresSinceBootstrap = 0;

  constructor(options: DanmakuClientOptions) {
    super(options);
    this.#options = options;
    this.#session = new WebRoomSession(options);
  }

  /** The HTTP bootstrap, exposed for diagnostics (how many tokens were fetched, session state). */
  get session(): WebRoomSession {
    return this.#session;
  }

  protected override async prepare(signal: AbortSignal): Promise<RoomAttempt<WebTarget>> {
    this.enter({ status: 'bootstrapping' });
    const info = await this.#session.connectInfo(signal);
    const host = info.hosts[this.#hostIndex % info.hosts.length]!;
    const scheme = this.#options.scheme ?? 'wss';
    const port = scheme === 'wss' ? host.wssPort : host.wsPort;
    const authBody = JSON.stringify({ uid: info.uid, roomid: info.roomId, protover: this.#options.protocolVersion ?? 3, buvid: info.buvid, platform: 'web', type: 2, key: info.token });
    return { url: `${scheme}://${host.host}:${port}/sub`, authBody, headers: this.#session.socketHeaders(), target: { info, host } };
  }

  protected override explainPrepareError(error: unknown): ChorusError {
    return new BilibiliApiError('bootstrap', `Bilibili bootstrap failed: ${(error as Error).message}`, { retryable: true, cause: error });
  }

  protected override connecting({ host }: WebTarget): WebRouteState {
    return { status: 'connecting', host: host.host };
  }

  protected override connected({ host }: WebTarget, since: number): Extract<WebRouteState, { status: 'connected' }> {
    this.#failuresSinceBootstrap = 0;
    return { status: 'connected', host: host.host, since };
  }

  protected override parse(body: unknown, receivedAt: number, { info }: WebTarget): readonly BilibiliEvent[] {
    return parseWebCommand(body, { source: 'web', roomId: info.roomId, receivedAt });
  }

  /** Rotates hosts, and fetches a new token after an auth failure or after several failed attempts. */
  protected override afterClose(reason: ConnectionCloseReason): 'back-off' {
    this.#failuresSinceBootstrap++;
    // The next attempt goes to the next host in the list.
    this.#hostIndex++;
    const hostCount = this.#session.state.status === 'ready' ? this.#session.state.info.hosts.length : 1;
    if (isAuthFailure(reason)) {
      // Bilibili accepts the socket and then closes it when the key is bad: treat that as an auth failure too.
      this.#session.invalidate(describe(reason));
      this.emit('warning', new DanmakuAuthError(describe(reason)));
    } else {
      if (this.#failuresSinceBootstrap >= Math.max(3, hostCount)) this.#session.invalidate('several failed attempts');
      this.emit('warning', new DanmakuDisconnectedError(describe(reason)));
    }
    return 'back-off';
  }

  protected override onPopularity(value: number): void {
    this.emit('popularity', value);
  }
}
