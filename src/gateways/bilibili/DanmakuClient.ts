import { EventEmitter } from 'node:events';
import { BilibiliApiError } from './BilibiliApiError.ts';
import type { BilibiliEvent } from './BilibiliEvent.ts';
import { parseWebCommand } from './CommandParser.ts';
import { DanmakuAuthError } from './DanmakuAuthError.ts';
import { DanmakuConnection, describeCloseReason as describe, type ConnectionCloseReason } from './DanmakuConnection.ts';
import { DanmakuDisconnectedError } from './DanmakuDisconnectedError.ts';
import { PacketCodec, type PacketCodecOptions } from './PacketCodec.ts';
import { PacketError } from './PacketError.ts';
import { ReconnectBackoff, type ReconnectBackoffOptions } from './ReconnectBackoff.ts';
import { sleep } from './sleep.ts';
import { WebRoomSession, type DanmakuHost, type WebConnectInfo, type WebRoomSessionOptions } from './WebRoomSession.ts';
import { ChorusError } from '../../util/ChorusError.ts';

export interface DanmakuClientOptions extends WebRoomSessionOptions {
  /** `wss` in production; tests use `ws` against the fake server. */
  readonly scheme?: 'wss' | 'ws';
  /** 2 asks for zlib bundles, 3 (default) for brotli. */
  readonly protocolVersion?: 2 | 3;
  readonly heartbeatIntervalMs?: number;
  readonly authTimeoutMs?: number;
  readonly receiveTimeoutMs?: number;
  readonly backoff?: ReconnectBackoffOptions;
  readonly codec?: PacketCodecOptions;
}

export type DanmakuClientState =
  | { readonly status: 'idle' }
  | { readonly status: 'bootstrapping' }
  | { readonly status: 'connecting'; readonly host: string }
  | { readonly status: 'connected'; readonly host: string; readonly since: number }
  | { readonly status: 'waiting'; readonly delayMs: number; readonly reason: string }
  /** Stopped: by `close()`, or by an error retrying cannot fix (then `error` says what to change). */
  | { readonly status: 'closed'; readonly error?: ChorusError };

export interface DanmakuClientEvents {
  event: [event: BilibiliEvent];
  /** A malformed packet or command was skipped; the connection is still up. Log it. */
  packetError: [error: PacketError];
  /** Something went wrong that the client is handling (API failure, auth refused, dropped socket). Log it. */
  warning: [error: ChorusError];
  stateChange: [oldState: DanmakuClientState, newState: DanmakuClientState];
  popularity: [value: number];
}

/**
 * The web route: reads one live room's danmaku socket and emits typed events. Bootstraps through the HTTP API,
 * connects to the hosts the API names (rotating on each failure), reconnects with exponential backoff and jitter,
 * and fetches a fresh token after an auth failure (and every few failed attempts).
 */
export class DanmakuClient extends EventEmitter<DanmakuClientEvents> {
  readonly #options: DanmakuClientOptions;
  readonly #session: WebRoomSession;
  readonly #backoff: ReconnectBackoff;
  readonly #codec: PacketCodec;
  readonly #abort = new AbortController();
  #state: DanmakuClientState = { status: 'idle' };
  #connection: DanmakuConnection | undefined;
  #hostIndex = 0;
  #failuresSinceBootstrap = 0;
  #run: Promise<void> | undefined;

  constructor(options: DanmakuClientOptions) {
    super();
    this.#options = options;
    this.#session = new WebRoomSession(options);
    this.#backoff = new ReconnectBackoff(options.backoff);
    this.#codec = new PacketCodec(options.codec);
  }

  get state(): DanmakuClientState {
    return this.#state;
  }

  /** The HTTP bootstrap, exposed for diagnostics (how many tokens were fetched, session state). */
  get session(): WebRoomSession {
    return this.#session;
  }

  /** Starts connecting; events flow until `close()`. Resolves when the first connection is up or the client stops. */
  start(): Promise<void> {
    if (this.#run === undefined) {
      this.#run = this.#loop();
    }
    if (this.#state.status === 'connected' || this.#state.status === 'closed') return Promise.resolve();
    return new Promise((resolve) => {
      const onChange = (_old: DanmakuClientState, next: DanmakuClientState): void => {
        if (next.status === 'connected' || next.status === 'closed') {
          this.off('stateChange', onChange);
          resolve();
        }
      };
      this.on('stateChange', onChange);
    });
  }

  /** Stops for good: closes the socket and cancels pending retries and requests. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#connection?.close();
    await this.#run;
    if (this.#state.status !== 'closed') this.#setState({ status: 'closed' });
  }

  #setState(next: DanmakuClientState): void {
    const previous = this.#state;
    this.#state = next;
    this.emit('stateChange', previous, next);
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let info: WebConnectInfo;
      this.#setState({ status: 'bootstrapping' });
      try {
        info = await this.#session.connectInfo(signal);
      } catch (error) {
        if (signal.aborted) break;
        const problem = error instanceof ChorusError ? error : new BilibiliApiError('bootstrap', `Bilibili bootstrap failed: ${(error as Error).message}`, { retryable: true, cause: error });
        if (problem instanceof BilibiliApiError && !problem.retryable) {
          this.#setState({ status: 'closed', error: problem });
          return;
        }
        this.emit('warning', problem);
        if (!(await this.#wait(problem.message, signal))) break;
        continue;
      }
      const host = info.hosts[this.#hostIndex % info.hosts.length]!;
      const reason = await this.#connectOnce(info, host);
      if (signal.aborted || reason.kind === 'closed-by-client') break;
      this.#afterConnection(reason);
      if (!(await this.#wait(describe(reason), signal))) break;
    }
    this.#setState({ status: 'closed' });
  }

  async #connectOnce(info: WebConnectInfo, host: DanmakuHost): Promise<ConnectionCloseReason> {
    const scheme = this.#options.scheme ?? 'wss';
    const port = scheme === 'wss' ? host.wssPort : host.wsPort;
    const url = `${scheme}://${host.host}:${port}/sub`;
    const authBody = JSON.stringify({ uid: info.uid, roomid: info.roomId, protover: this.#options.protocolVersion ?? 3, buvid: info.buvid, platform: 'web', type: 2, key: info.token });
    const connection = new DanmakuConnection({
      url,
      authBody,
      headers: this.#session.socketHeaders(),
      codec: this.#codec,
      ...(this.#options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: this.#options.heartbeatIntervalMs }),
      ...(this.#options.authTimeoutMs === undefined ? {} : { authTimeoutMs: this.#options.authTimeoutMs }),
      ...(this.#options.receiveTimeoutMs === undefined ? {} : { receiveTimeoutMs: this.#options.receiveTimeoutMs }),
    });
    this.#connection = connection;
    connection.on('stateChange', (_old, next) => {
      if (next.status === 'open') {
        this.#backoff.reset();
        this.#failuresSinceBootstrap = 0;
        this.#setState({ status: 'connected', host: host.host, since: next.since });
      }
    });
    connection.on('packetError', (error) => this.emit('packetError', error));
    connection.on('popularity', (value) => this.emit('popularity', value));
    connection.on('command', (body, receivedAt) => this.#onCommand(body, receivedAt, info.roomId));
    this.#setState({ status: 'connecting', host: host.host });
    connection.connect();
    const reason = await connection.closed;
    this.#connection = undefined;
    return reason;
  }

  #onCommand(body: unknown, receivedAt: number, roomId: number): void {
    let events: BilibiliEvent[];
    try {
      events = parseWebCommand(body, { source: 'web', roomId, receivedAt });
    } catch (error) {
      this.emit('packetError', error instanceof PacketError ? error : new PacketError('bad-command', (error as Error).message, { cause: error }));
      return;
    }
    for (const event of events) this.emit('event', event);
  }

  #afterConnection(reason: ConnectionCloseReason): void {
    const authFailed = reason.kind === 'auth-refused' || reason.kind === 'auth-timeout' || (reason.kind === 'socket-closed' && !reason.authenticated);
    this.#failuresSinceBootstrap++;
    // The next attempt goes to the next host in the list.
    this.#hostIndex++;
    const hostCount = this.#session.state.status === 'ready' ? this.#session.state.info.hosts.length : 1;
    if (authFailed) {
      // Bilibili accepts the socket and then closes it when the key is bad: treat that as an auth failure too.
      this.#session.invalidate(describe(reason));
      this.emit('warning', new DanmakuAuthError(describe(reason)));
    } else {
      if (this.#failuresSinceBootstrap >= Math.max(3, hostCount)) this.#session.invalidate('several failed attempts');
      this.emit('warning', new DanmakuDisconnectedError(describe(reason)));
    }
  }

  async #wait(reason: string, signal: AbortSignal): Promise<boolean> {
    const delayMs = this.#backoff.next();
    this.#setState({ status: 'waiting', delayMs, reason });
    return sleep(delayMs, signal);
  }
}
