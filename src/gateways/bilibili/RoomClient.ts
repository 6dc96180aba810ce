import { EventEmitter } from 'node:events';
import { BilibiliApiError } from './BilibiliApiError.ts';
import type { BilibiliEvent } from './BilibiliEvent.ts';
import { DanmakuConnection, describeCloseReason, type ConnectionCloseReason } from './DanmakuConnection.ts';
import { PacketCodec, type PacketCodecOptions } from './PacketCodec.ts';
import { PacketError } from './PacketError.ts';
import { ReconnectBackoff, type ReconnectBackoffOptions } from './ReconnectBackoff.ts';
import { sleep } from './sleep.ts';
import { ChorusError } from '../../util/ChorusError.ts';

/** Socket and retry settings both routes share. */
export interface RoomClientOptions {
  /** WebSocket heartbeat. Default 30 s. */
  readonly heartbeatIntervalMs?: number;
  readonly authTimeoutMs?: number;
  readonly receiveTimeoutMs?: number;
  readonly backoff?: ReconnectBackoffOptions;
  readonly codec?: PacketCodecOptions;
}

/** A room client's state: the states every route has, plus the route's own (how it prepares, where it connects). */
export type RoomClientState<RouteState> =
  | { readonly status: 'idle' }
  | RouteState
  | { readonly status: 'waiting'; readonly delayMs: number; readonly reason: string }
  /** Stopped: by `close()`, or by an error retrying cannot fix (then `error` says what to change). */
  | { readonly status: 'closed'; readonly error?: ChorusError };

/** What a room client emits, whichever route it takes; a route's client may add events of its own. */
export interface RoomClientEvents<State> {
  event: [event: BilibiliEvent];
  /** A malformed packet or command was skipped; the connection is still up. Log it. */
  packetError: [error: PacketError];
  /** Something went wrong that the client is handling (API failure, auth refused, dropped socket). Log it. */
  warning: [error: ChorusError];
  stateChange: [oldState: State, newState: State];
}

/** Where the next connection goes, and what the route wants handed back about it. */
export interface RoomAttempt<Target> {
  readonly url: string;
  /** The op-7 auth body, sent as-is. */
  readonly authBody: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The route's own record of this attempt (web: token and host; Open Platform: the game). */
  readonly target: Target;
}

/**
 * One live room kept connected, whichever route leads in: prepare (the route's part), connect, parse commands into
 * events, and after each failure wait with exponential backoff, reset by every connection that opens, until
 * `close()`. A route's client extends this and supplies the steps that differ.
 */
export abstract class RoomClient<
  Events extends RoomClientEvents<RoomClientState<RouteState>> & Record<keyof Events, unknown[]>,
  Target,
  RouteState extends { readonly status: string },
> extends EventEmitter<Events> {
  /** `this`, seen through the events every room client has (the subclass's own event map extends them). */
  readonly #report: Pick<EventEmitter<RoomClientEvents<RoomClientState<RouteState>>>, 'emit'> = this;
  readonly #options: RoomClientOptions;
  readonly #backoff: ReconnectBackoff;
  readonly #codec: PacketCodec;
  readonly #abort = new AbortController();
  #state: RoomClientState<RouteState> = { status: 'idle' };
  #connection: DanmakuConnection | undefined;
  #run: Promise<void> | undefined;
  /** `start()` calls waiting for the next `connected` or `closed`. */
  #starting: (() => void)[] = [];

  constructor(options: RoomClientOptions) {
    super();
    this.#options = options;
    this.#backoff = new ReconnectBackoff(options.backoff);
    this.#codec = new PacketCodec(options.codec);
  }

  get state(): RoomClientState<RouteState> {
    return this.#state;
  }

  /** Starts connecting; events flow until `close()`. Resolves once a connection is up or the client stopped. */
  start(): Promise<void> {
    if (this.#run === undefined) this.#run = this.#loop();
    if (this.#settled()) return Promise.resolve();
    return new Promise((resolve) => this.#starting.push(resolve));
  }

  /** Stops for good: cancels a pending wait or request, closes the socket, lets the route release, then `closed`. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#connection?.close();
    await this.#run;
    await this.release();
    if (this.#state.status !== 'closed') this.#setState({ status: 'closed' });
  }

  // ---- the route's part ----

  /**
   * Readies the next attempt (token, game, host choice), reporting its own steps with `enter()`. A
   * `BilibiliApiError` that is not retryable stops the client with it; any other failure is retried after the backoff.
   */
  protected abstract prepare(signal: AbortSignal): Promise<RoomAttempt<Target>>;
  /** Names a `prepare` failure that is not a ChorusError (a network or parsing surprise), as a retryable error. */
  protected abstract explainPrepareError(error: unknown): ChorusError;
  /** The state while the socket opens and authenticates. */
  protected abstract connecting(target: Target, url: string): RouteState;
  /** The state once auth succeeded. */
  protected abstract connected(target: Target, since: number): Extract<RouteState, { readonly status: 'connected' }>;
  /** Turns one command body into events; throwing reports the body as a packet error and keeps the connection. */
  protected abstract parse(body: unknown, receivedAt: number, target: Target): readonly BilibiliEvent[];
  /** A connection closed while running: warn, invalidate what failed, and say whether to back off first. */
  protected abstract afterClose(reason: ConnectionCloseReason, target: Target): 'back-off' | 'retry-now';

  /** The 人气 value of each heartbeat reply; ignored unless the route reports it. */
  protected onPopularity(_value: number): void {}

  /** Frees what the route holds once the loop has stopped (the Open Platform game), before `closed` is reported. */
  protected async release(): Promise<void> {}

  /** Aborted once `close()` is called: for the route's own requests that outlive one attempt (the app heartbeat). */
  protected get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Moves to one of the route's own states (bootstrapping, starting or ending a game). */
  protected enter(state: RouteState): void {
    this.#setState(state);
  }

  /** Closes the current connection without stopping: `afterClose` then sees `closed-by-client`. */
  protected dropConnection(): void {
    void this.#connection?.close();
  }

  // ---- the loop ----

  #settled(): boolean {
    return this.#state.status === 'connected' || this.#state.status === 'closed';
  }

  #setState(next: RoomClientState<RouteState>): void {
    const previous = this.#state;
    this.#state = next;
    this.#report.emit('stateChange', previous, next);
    if (this.#settled()) for (const resolve of this.#starting.splice(0)) resolve();
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let attempt: RoomAttempt<Target>;
      try {
        attempt = await this.prepare(signal);
      } catch (error) {
        if (signal.aborted) return;
        const problem = error instanceof ChorusError ? error : this.explainPrepareError(error);
        if (problem instanceof BilibiliApiError && !problem.retryable) {
          this.#setState({ status: 'closed', error: problem });
          return;
        }
        this.#report.emit('warning', problem);
        if (!(await this.#wait(problem.message, signal))) return;
        continue;
      }
      const reason = await this.#connectOnce(attempt);
      if (signal.aborted) return;
      if (this.afterClose(reason, attempt.target) === 'retry-now') continue;
      if (!(await this.#wait(describeCloseReason(reason), signal))) return;
    }
  }

  async #connectOnce({ url, authBody, headers, target }: RoomAttempt<Target>): Promise<ConnectionCloseReason> {
    const { heartbeatIntervalMs, authTimeoutMs, receiveTimeoutMs } = this.#options;
    const connection = new DanmakuConnection({ url, authBody, headers, codec: this.#codec, heartbeatIntervalMs, authTimeoutMs, receiveTimeoutMs });
    this.#connection = connection;
    connection.on('stateChange', (_old, next) => {
      if (next.status === 'open') {
        this.#backoff.reset();
        this.#setState(this.connected(target, next.since));
      }
    });
    connection.on('packetError', (error) => this.#report.emit('packetError', error));
    connection.on('popularity', (value) => this.onPopularity(value));
    connection.on('command', (body, receivedAt) => this.#onCommand(body, receivedAt, target));
    this.#setState(this.connecting(target, url));
    connection.connect();
    const reason = await connection.closed;
    this.#connection = undefined;
    return reason;
  }

  #onCommand(body: unknown, receivedAt: number, target: Target): void {
    let events: readonly BilibiliEvent[];
    try {
      events = this.parse(body, receivedAt, target);
    } catch (error) {
      this.#report.emit('packetError', error instanceof PacketError ? error : new PacketError('bad-command', (error as Error).message, { cause: error }));
      return;
    }
    for (const event of events) this.#report.emit('event', event);
  }

  async #wait(reason: string, signal: AbortSignal): Promise<boolean> {
    const delayMs = this.#backoff.next();
    this.#setState({ status: 'waiting', delayMs, reason });
    return sleep(delayMs, signal);
  }
}
