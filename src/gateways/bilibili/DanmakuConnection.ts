import { EventEmitter } from 'node:events';
import { Operation } from './Packet.ts';
import { encodePacket, PacketCodec } from './PacketCodec.ts';
import type { PacketError } from './PacketError.ts';

export interface DanmakuConnectionOptions {
  /** Full `ws(s)://…/sub` URL. */
  readonly url: string;
  /** The op-7 auth body, sent as-is (web: our JSON; Open Platform: the opaque string from app/start). */
  readonly authBody: string;
  /** Handshake headers: the web token is bound to the User-Agent, and a login cookie goes here. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Bilibili's page sends one every 30 s; the server drops the socket after ~60 s without. */
  readonly heartbeatIntervalMs?: number;
  /** How long to wait for the auth reply (the server wants auth within 5 s of connecting). */
  readonly authTimeoutMs?: number;
  /** Silence longer than this means the socket is dead even if TCP has not noticed. */
  readonly receiveTimeoutMs?: number;
  readonly codec?: PacketCodec;
}

export type ConnectionCloseReason =
  | { readonly kind: 'closed-by-client' }
  | { readonly kind: 'auth-refused'; readonly code: number | null }
  | { readonly kind: 'auth-timeout' }
  | { readonly kind: 'receive-timeout' }
  /** The server or network closed the socket; `authenticated` tells whether auth had succeeded before. */
  | { readonly kind: 'socket-closed'; readonly code: number; readonly authenticated: boolean; readonly error?: string };

export type DanmakuConnectionState =
  | { readonly status: 'connecting' }
  | { readonly status: 'authenticating' }
  | { readonly status: 'open'; readonly since: number }
  | { readonly status: 'closed'; readonly reason: ConnectionCloseReason };

export interface DanmakuConnectionEvents {
  stateChange: [oldState: DanmakuConnectionState, newState: DanmakuConnectionState];
  /** A business command body (parsed JSON), in arrival order. */
  command: [body: unknown, receivedAt: number];
  packetError: [error: PacketError];
  /** The (deprecated) 人气 value carried by each heartbeat reply. */
  popularity: [value: number];
  heartbeat: [sentAt: number];
}

const HEARTBEAT_BODY = '[object Object]';

/**
 * One WebSocket connection to a Bilibili danmaku server, from handshake to close. Single use: once `closed`, make a
 * new one. Sends auth, then heartbeats on a fixed schedule; decodes messages strictly in arrival order (decompression
 * is async) and reports malformed packets without closing.
 */
export class DanmakuConnection extends EventEmitter<DanmakuConnectionEvents> {
  readonly #options: Required<Omit<DanmakuConnectionOptions, 'headers' | 'codec'>> & { headers: Readonly<Record<string, string>> };
  readonly #codec: PacketCodec;
  #state: DanmakuConnectionState = { status: 'connecting' };
  #socket: WebSocket | undefined;
  #inbox: Promise<void> = Promise.resolve();
  #authTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #receiveTimer: NodeJS.Timeout | undefined;
  #heartbeatCount = 0;
  #heartbeatEpoch = 0;
  #socketError: string | undefined;
  readonly #closed: Promise<ConnectionCloseReason>;
  #resolveClosed!: (reason: ConnectionCloseReason) => void;

  constructor(options: DanmakuConnectionOptions) {
    super();
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
    this.#options = {
      url: options.url,
      authBody: options.authBody,
      headers: options.headers ?? {},
      heartbeatIntervalMs,
      authTimeoutMs: options.authTimeoutMs ?? 5_000,
      receiveTimeoutMs: options.receiveTimeoutMs ?? heartbeatIntervalMs + 10_000,
    };
    this.#codec = options.codec ?? new PacketCodec();
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  get state(): DanmakuConnectionState {
    return this.#state;
  }

  /** Resolves once the connection is closed, with why. Never rejects. */
  get closed(): Promise<ConnectionCloseReason> {
    return this.#closed;
  }

  /** Opens the socket. Call once. */
  connect(): void {
    if (this.#socket !== undefined || this.#state.status === 'closed') return;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#options.url, { headers: { ...this.#options.headers } });
    } catch (error) {
      this.#finish({ kind: 'socket-closed', code: 1006, authenticated: false, error: (error as Error).message });
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.addEventListener('open', () => this.#onOpen());
    socket.addEventListener('message', (event) => this.#onMessage(event.data));
    socket.addEventListener('error', (event) => {
      this.#socketError = (event as { message?: string }).message || 'WebSocket error';
    });
    socket.addEventListener('close', (event) => {
      this.#finish({
        kind: 'socket-closed',
        code: event.code,
        authenticated: this.#state.status === 'open',
        ...(this.#socketError === undefined ? {} : { error: this.#socketError }),
      });
    });
    // Covers a handshake that never completes as well as a missing auth reply.
    this.#authTimer = setTimeout(() => this.#finish({ kind: 'auth-timeout' }), this.#options.authTimeoutMs + 5_000);
  }

  /** Closes the socket; `closed` resolves with `closed-by-client` unless it had already closed. */
  close(): Promise<ConnectionCloseReason> {
    this.#finish({ kind: 'closed-by-client' });
    return this.#closed;
  }

  #setState(next: DanmakuConnectionState): void {
    const previous = this.#state;
    this.#state = next;
    this.emit('stateChange', previous, next);
  }

  #onOpen(): void {
    if (this.#state.status !== 'connecting') return;
    this.#setState({ status: 'authenticating' });
    clearTimeout(this.#authTimer);
    this.#authTimer = setTimeout(() => this.#finish({ kind: 'auth-timeout' }), this.#options.authTimeoutMs);
    this.#send(Operation.auth, this.#options.authBody);
  }

  #onMessage(data: unknown): void {
    if (this.#state.status === 'closed') return;
    this.#armReceiveWatchdog();
    const receivedAt = Date.now();
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : typeof data === 'string' ? new TextEncoder().encode(data) : undefined;
    if (bytes === undefined) return;
    // Decoding is async (zlib/brotli); chaining keeps commands in the order the server sent them.
    this.#inbox = this.#inbox.then(() => this.#handle(bytes, receivedAt));
  }

  async #handle(bytes: Uint8Array, receivedAt: number): Promise<void> {
    const decoded = await this.#codec.decode(bytes);
    for (const error of decoded.errors) {
      if (this.#state.status === 'closed') return;
      this.emit('packetError', error);
    }
    for (const packet of decoded.packets) {
      if (this.#state.status === 'closed') return;
      switch (packet.kind) {
        case 'authReply':
          this.#onAuthReply(packet.code);
          break;
        case 'heartbeatReply':
          this.emit('popularity', packet.popularity);
          break;
        case 'command':
          this.#emitSafely(packet.body, receivedAt);
          break;
        case 'ignored':
          break;
      }
    }
  }

  #emitSafely(body: unknown, receivedAt: number): void {
    try {
      this.emit('command', body, receivedAt);
    } catch (error) {
      // A listener's bug must not kill the socket's message loop; surface it on the next tick instead.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  #onAuthReply(code: number | null): void {
    if (this.#state.status !== 'authenticating') return;
    clearTimeout(this.#authTimer);
    if (code !== 0) {
      this.#finish({ kind: 'auth-refused', code });
      return;
    }
    this.#setState({ status: 'open', since: Date.now() });
    this.#startHeartbeats();
  }

  /** Heartbeats run on a fixed grid from the first one, so timer lateness never accumulates into drift. */
  #startHeartbeats(): void {
    this.#heartbeatEpoch = Date.now();
    this.#heartbeatCount = 0;
    const beat = (): void => {
      if (this.#state.status !== 'open') return;
      const sentAt = Date.now();
      this.#send(Operation.heartbeat, HEARTBEAT_BODY);
      this.emit('heartbeat', sentAt);
      this.#heartbeatCount++;
      const nextAt = this.#heartbeatEpoch + this.#heartbeatCount * this.#options.heartbeatIntervalMs;
      this.#heartbeatTimer = setTimeout(beat, Math.max(0, nextAt - Date.now()));
    };
    beat();
  }

  #armReceiveWatchdog(): void {
    clearTimeout(this.#receiveTimer);
    this.#receiveTimer = setTimeout(() => this.#finish({ kind: 'receive-timeout' }), this.#options.receiveTimeoutMs);
  }

  #send(operation: number, body: string): void {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return;
    socket.send(encodePacket(operation, body));
  }

  #finish(reason: ConnectionCloseReason): void {
    if (this.#state.status === 'closed') return;
    clearTimeout(this.#authTimer);
    clearTimeout(this.#heartbeatTimer);
    clearTimeout(this.#receiveTimer);
    this.#setState({ status: 'closed', reason });
    const socket = this.#socket;
    if (socket !== undefined && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) {
      try {
        socket.close(1000);
      } catch {
        // already closing
      }
    }
    this.#resolveClosed(reason);
  }
}

/** Whether the server would not take our auth: Bilibili also accepts a socket with a bad key and then just closes it. */
export function isAuthFailure(reason: ConnectionCloseReason): boolean {
  return reason.kind === 'auth-refused' || reason.kind === 'auth-timeout' || (reason.kind === 'socket-closed' && !reason.authenticated);
}

/** A short human-readable cause, for warnings. */
export function describeCloseReason(reason: ConnectionCloseReason): string {
  switch (reason.kind) {
    case 'closed-by-client':
      return 'closed by Chorus';
    case 'auth-refused':
      return `auth refused with code ${reason.code ?? 'unreadable'}`;
    case 'auth-timeout':
      return 'no auth reply in time';
    case 'receive-timeout':
      return 'the server went silent';
    case 'socket-closed':
      return `socket closed (code ${reason.code}${reason.authenticated ? '' : ', before auth'}${reason.error ? `: ${reason.error}` : ''})`;
  }
}
