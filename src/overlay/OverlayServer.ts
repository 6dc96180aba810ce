import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../log/createLogger.ts';
import type { PlaybackTargetId } from '../speech/SpeechJob.ts';
import { ChorusError } from '../util/ChorusError.ts';
import type { Platform } from '../voices/Voice.ts';
import { AuthRateLimiter } from './AuthRateLimiter.ts';
import type { OverlayControl } from './OverlayControl.ts';
import { OVERLAY_PROTOCOL_VERSION, parsePageMessage, type ServerMessage } from './OverlayProtocol.ts';
import { OverlaySink, type OverlayPage, type OverlaySinkOptions, type OverlaySinkStats } from './OverlaySink.ts';
import { tokenMatches } from './OverlayToken.ts';

export interface OverlayServerOptions {
  /** Default 127.0.0.1: only this machine (OBS) can connect. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly token: string;
  readonly control: OverlayControl;
  readonly logger: Logger;
  /** The target an overlay URL without `target=` shows, and the one "try this voice" speaks on. */
  readonly defaultTarget: PlaybackTargetId;
  /** Channels of the Opus frames the sinks receive. Default 2 (the production frame pipeline). */
  readonly opusChannels?: 1 | 2;
  readonly rateLimiter?: AuthRateLimiter;
  readonly sink?: Pick<OverlaySinkOptions, 'maxLeadMs' | 'reportTimeoutMs' | 'flushAfterMs' | 'segmentPackets'>;
  /** WebSocket ping interval; a page that misses one pong is dropped. Default 15 000 ms. */
  readonly heartbeatMs?: number;
}

/** The overlay server could not listen (port taken, address not on this machine). */
export class OverlayListenError extends ChorusError {
  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${port} is already in use (another Chorus?); set OVERLAY_PORT to a free port`
        : code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this machine; check OVERLAY_HOST`
          : `${(cause as Error).message}`;
    super('overlay-listen', `The overlay server could not start on ${host}:${port}: ${why}.`, { cause });
  }
}

const PAGES_DIR = join(import.meta.dirname, 'pages');
const ASSETS: Readonly<Record<string, string>> = {
  'overlay.js': 'text/javascript; charset=utf-8',
  'overlay.css': 'text/css; charset=utf-8',
  'control.js': 'text/javascript; charset=utf-8',
  'control.css': 'text/css; charset=utf-8',
};
const PLATFORMS: readonly Platform[] = ['discord', 'bilibili', 'console', 'cli'];
const MAX_BODY_BYTES = 16 * 1024;
/** A page this far behind on reading its socket is gone or stuck; drop it rather than buffer without end. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** One overlay page's WebSocket. */
class PageConnection implements OverlayPage {
  readonly id: number;
  readonly target: PlaybackTargetId;
  readonly socket: WebSocket;
  alive = true;

  constructor(id: number, target: PlaybackTargetId, socket: WebSocket) {
    this.id = id;
    this.target = target;
    this.socket = socket;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  sendText(text: string): void {
    this.#send(text);
  }

  sendBinary(frame: Buffer): void {
    this.#send(frame);
  }

  #send(data: string | Buffer): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.terminate();
      return;
    }
    this.socket.send(data);
  }
}

/**
 * Serves the OBS overlay page, the control page, their WebSocket and JSON API on one local port. Every page,
 * API call and socket needs the token; wrong tokens get 401 and too many of them from one address get 429.
 * Audio reaches the pages through `sink(target)`, an AudioSink to attach to a target's player.
 */
export class OverlayServer {
  readonly host: string;
  readonly #options: OverlayServerOptions;
  readonly #http: Server;
  readonly #sockets: WebSocketServer;
  readonly #limiter: AuthRateLimiter;
  readonly #files: ReadonlyMap<string, Buffer>;
  readonly #pages = new Set<PageConnection>();
  readonly #sinks = new Map<PlaybackTargetId, OverlaySink>();
  readonly #heartbeat: NodeJS.Timeout;
  #nextPageId = 1;
  #closed = false;

  private constructor(options: OverlayServerOptions, files: ReadonlyMap<string, Buffer>) {
    this.#options = options;
    this.host = options.host ?? '127.0.0.1';
    this.#files = files;
    this.#limiter = options.rateLimiter ?? new AuthRateLimiter();
    this.#sockets = new WebSocketServer({ noServer: true, maxPayload: 4096 });
    this.#http = createServer((request, response) => void this.#handle(request, response));
    this.#http.on('upgrade', (request, socket) => this.#upgrade(request, socket as Duplex));
    this.#heartbeat = setInterval(() => this.#ping(), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  static async start(options: OverlayServerOptions): Promise<OverlayServer> {
    const files = new Map<string, Buffer>();
    for (const name of ['overlay.html', 'control.html', ...Object.keys(ASSETS)]) files.set(name, await readFile(join(PAGES_DIR, name)));
    const server = new OverlayServer(options, files);
    await new Promise<void>((resolve, reject) => {
      server.#http.once('error', (error) => reject(new OverlayListenError(server.host, options.port, error)));
      server.#http.listen(options.port, server.host, () => resolve());
    }).catch((error: unknown) => {
      clearInterval(server.#heartbeat);
      throw error;
    });
    return server;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  /** Base address, without the token: safe to log. */
  get origin(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${this.port}`;
  }

  /** The URL to add to OBS as a Browser Source. Contains the token: print it for the streamer, never log it. */
  overlayUrl(target?: PlaybackTargetId): string {
    const targetPart = target === undefined || target === this.#options.defaultTarget ? '' : `&target=${encodeURIComponent(target)}`;
    return `${this.origin}/overlay?token=${encodeURIComponent(this.#options.token)}${targetPart}`;
  }

  /** The control page's URL. Contains the token. */
  controlUrl(): string {
    return `${this.origin}/control?token=${encodeURIComponent(this.#options.token)}`;
  }

  /** The AudioSink feeding the overlay pages that show `target` (one per target, made on first use). */
  sink(target: PlaybackTargetId): OverlaySink {
    let sink = this.#sinks.get(target);
    if (sink === undefined) {
      sink = new OverlaySink({
        ...this.#options.sink,
        target,
        opusChannels: this.#options.opusChannels ?? 2,
        pages: () => [...this.#pages].filter((page) => page.target === target),
      });
      this.#sinks.set(target, sink);
    }
    return sink;
  }

  /** Overlay pages connected now, for one target or all. */
  pageCount(target?: PlaybackTargetId): number {
    return [...this.#pages].filter((page) => target === undefined || page.target === target).length;
  }

  stats(): Readonly<Record<PlaybackTargetId, OverlaySinkStats>> {
    return Object.fromEntries([...this.#sinks].map(([target, sink]) => [target, sink.stats]));
  }

  /** Closes every page's socket (they will reconnect to the next Chorus) and stops listening. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const sink of this.#sinks.values()) sink.release();
    for (const page of this.#pages) page.socket.close(1012, 'Chorus is restarting');
    const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#http.closeAllConnections();
    // Sockets that do not finish the closing handshake promptly are cut.
    const cut = setTimeout(() => {
      for (const page of this.#pages) page.socket.terminate();
    }, 1000);
    await closed;
    clearTimeout(cut);
    this.#sockets.close();
  }

  // --- authentication -------------------------------------------------------------------------------------

  /** Checks a token; throws 429/401 HttpErrors. A wrong token counts against the address. */
  #authenticate(request: IncomingMessage, token: string | null | undefined): void {
    const address = request.socket.remoteAddress ?? 'unknown';
    const wait = this.#limiter.retryAfterSeconds(address);
    if (wait > 0) throw new HttpError(429, `Too many wrong tokens from this address; try again in ${wait} s.`);
    if (!tokenMatches(this.#options.token, token)) {
      this.#limiter.recordFailure(address);
      this.#options.logger.warn({ address }, 'overlay: refused a request with a wrong or missing token');
      throw new HttpError(401, 'Wrong or missing token: open the overlay and control pages with the URL Chorus printed at start.');
    }
  }

  // --- HTTP -----------------------------------------------------------------------------------------------

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://overlay.invalid');
      const path = url.pathname;
      if (request.method === 'GET' && path.startsWith('/assets/')) return this.#asset(response, path.slice('/assets/'.length));
      if (request.method === 'GET' && (path === '/overlay' || path === '/control')) {
        this.#authenticate(request, url.searchParams.get('token'));
        return this.#send(response, 200, 'text/html; charset=utf-8', this.#files.get(`${path.slice(1)}.html`) as Buffer);
      }
      if (path.startsWith('/api/')) {
        const header = request.headers.authorization;
        this.#authenticate(request, header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length) : undefined);
        return this.#json(response, 200, await this.#api(request, path.slice('/api/'.length)));
      }
      if (path === '/favicon.ico') {
        response.writeHead(204, SECURITY_HEADERS).end();
        return;
      }
      if (request.method === 'GET' && path === '/') {
        return this.#send(response, 200, 'text/plain; charset=utf-8', Buffer.from('Chorus overlay server. Open /overlay or /control with the URL Chorus printed at start.\n'));
      }
      throw new HttpError(404, 'Not found.');
    } catch (error) {
      if (error instanceof HttpError) {
        const headers: Record<string, string> = error.status === 429 ? { 'Retry-After': String(this.#limiter.retryAfterSeconds(request.socket.remoteAddress ?? 'unknown')) } : {};
        return this.#json(response, error.status, { error: error.message }, headers);
      }
      if (error instanceof ChorusError) return this.#json(response, 400, { error: error.message });
      this.#options.logger.error({ err: error }, 'overlay: a control request failed');
      return this.#json(response, 500, { error: 'Chorus could not do that; see its log.' });
    }
  }

  #asset(response: ServerResponse, name: string): void {
    const type = ASSETS[name];
    const body = this.#files.get(name);
    if (type === undefined || body === undefined) throw new HttpError(404, 'Not found.');
    this.#send(response, 200, type, body);
  }

  #send(response: ServerResponse, status: number, type: string, body: Buffer, headers: Record<string, string> = {}): void {
    response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': type, 'Content-Length': String(body.length) });
    response.end(body);
  }

  #json(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    this.#send(response, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(value)), headers);
  }

  async #api(request: IncomingMessage, action: string): Promise<unknown> {
    const { control } = this.#options;
    if (request.method === 'GET') {
      if (action === 'state') {
        const pages: Record<string, number> = {};
        for (const page of this.#pages) pages[page.target] = (pages[page.target] ?? 0) + 1;
        return { ...control.state(), defaultTarget: this.#options.defaultTarget, overlay: { pages, sinks: this.stats() } };
      }
      if (action === 'voices') return { voices: await control.voices() };
      throw new HttpError(404, 'Not found.');
    }
    if (request.method !== 'POST') throw new HttpError(405, 'Use GET or POST.');
    const body = await readJsonBody(request);
    const target = (): string => field(body, 'target', 200);
    switch (action) {
      case 'skip': {
        const jobId = optionalField(body, 'jobId', 200);
        return { skipped: control.skip(target(), jobId) };
      }
      case 'clear':
        return { cleared: control.clear(target()) };
      case 'pause': {
        const paused = body.paused;
        if (typeof paused !== 'boolean') throw new HttpError(400, 'Say "paused": true or false.');
        const name = target();
        control.setPaused(name, paused);
        // The pages hold their audio too, so pausing is heard at once rather than after the buffered audio.
        this.sink(name).broadcast({ type: 'pause', paused });
        return { paused };
      }
      case 'mute':
        return { dropped: control.mute({ ...viewerOf(body), displayName: field(body, 'displayName', 200) }) };
      case 'unmute':
        return { unmuted: control.unmute(viewerOf(body)) };
      case 'try': {
        const text = field(body, 'text', 500).trim();
        if (text === '') throw new HttpError(400, 'Type something for the voice to say.');
        const problem = await control.tryVoice({ voiceId: field(body, 'voiceId', 200), text, target: optionalField(body, 'target', 200) ?? this.#options.defaultTarget });
        return problem === undefined ? { queued: true } : { queued: false, problem };
      }
      default:
        throw new HttpError(404, 'Not found.');
    }
  }

  // --- WebSocket ------------------------------------------------------------------------------------------

  #upgrade(request: IncomingMessage, socket: Duplex): void {
    const url = new URL(request.url ?? '/', 'http://overlay.invalid');
    try {
      if (url.pathname !== '/ws') throw new HttpError(404, 'Not found.');
      this.#authenticate(request, url.searchParams.get('token'));
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      const reason = status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Not Found';
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const target = (url.searchParams.get('target') ?? '').slice(0, 200) || this.#options.defaultTarget;
    this.#sockets.handleUpgrade(request, socket, Buffer.alloc(0), (ws) => this.#connected(ws, target));
  }

  #connected(ws: WebSocket, target: PlaybackTargetId): void {
    if (this.#closed) {
      ws.close(1012, 'Chorus is restarting');
      return;
    }
    const page = new PageConnection(this.#nextPageId++, target, ws);
    this.#pages.add(page);
    this.#options.logger.info({ target, page: page.id }, 'overlay page connected');
    ws.on('pong', () => (page.alive = true));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = parsePageMessage(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
      if (message !== undefined) this.sink(target).receive(page, message);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.#pages.delete(page);
      this.#sinks.get(target)?.pageClosed(page);
      this.#options.logger.info({ target, page: page.id }, 'overlay page disconnected');
    });
    const paused = this.#options.control.state().targets.find((state) => state.player.target === target)?.player.paused ?? false;
    const hello: ServerMessage = { type: 'hello', version: OVERLAY_PROTOCOL_VERSION, target, paused };
    page.sendText(JSON.stringify(hello));
  }

  #ping(): void {
    for (const page of this.#pages) {
      if (!page.alive) {
        page.socket.terminate();
        continue;
      }
      page.alive = false;
      page.socket.ping();
    }
  }
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'Send JSON (Content-Type: application/json).');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request too large.');
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'Send a JSON object.');
  return value as Record<string, unknown>;
}

function field(body: Record<string, unknown>, name: string, maxLength: number): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) throw new HttpError(400, `"${name}" must be a text of 1 to ${maxLength} characters.`);
  return value;
}

function optionalField(body: Record<string, unknown>, name: string, maxLength: number): string | undefined {
  return body[name] === undefined || body[name] === null ? undefined : field(body, name, maxLength);
}

function viewerOf(body: Record<string, unknown>): { platform: Platform; userId: string } {
  const platform = field(body, 'platform', 20) as Platform;
  if (!PLATFORMS.includes(platform)) throw new HttpError(400, `"platform" must be one of ${PLATFORMS.join(', ')}.`);
  return { platform, userId: field(body, 'userId', 200) };
}
