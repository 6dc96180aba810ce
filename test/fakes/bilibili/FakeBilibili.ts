import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { authReply, bundle, FakeOp, heartbeatReply, readClientPackets, type Compression } from './fakeFraming.ts';

/**
 * A fake Bilibili on 127.0.0.1 for the gateway tests: the web HTTP API (room info, nav, buvid, WBI-checked
 * getDanmuInfo), the Open Platform API (signature-checked start/heartbeat/end), and danmaku WebSocket servers
 * speaking the real framing. Test controls push command bundles, refuse auth, drop sockets and send garbage;
 * everything the client sends is recorded with timestamps.
 */

export interface FakeOpenPlatformConfig {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly appId: number;
  readonly authCode: string;
}

export interface FakeBilibiliOptions {
  readonly shortRoomId?: number;
  readonly roomId?: number;
  readonly ownerUid?: number;
  /** How many danmaku hosts getDanmuInfo lists (each its own port). */
  readonly hostCount?: number;
  /** A cookie containing `SESSDATA=<this>` is logged in as `loggedInMid`. */
  readonly sessdata?: string;
  readonly loggedInMid?: number;
  readonly openPlatform?: FakeOpenPlatformConfig;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

export interface OpenPlatformCall {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly signatureValid: boolean;
  readonly problem?: string;
  readonly at: number;
}

export interface FakeConnection {
  readonly id: number;
  readonly route: 'web' | 'open-platform';
  readonly hostIndex: number;
  readonly headers: IncomingHttpHeaders;
  readonly socket: ServerSocket;
  /** Parsed auth body (web) or the raw string (Open Platform). */
  auth: unknown;
  authenticated: boolean;
  /** performance.now() of each heartbeat received. */
  readonly heartbeats: number[];
  closed: boolean;
}

interface IssuedToken {
  readonly token: string;
  readonly userAgent: string;
  valid: boolean;
}

interface Game {
  readonly gameId: string;
  readonly authBody: string;
  active: boolean;
  heartbeats: number;
}

const WBI_IMG = '7cd084941338484aae1ad9425b84077c';
const WBI_SUB = '4932caff0ff746eab6f01bf08b70ac45';
const MIXIN_ORDER = [46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13];

export class FakeBilibili {
  readonly roomId: number;
  readonly shortRoomId: number;
  readonly ownerUid: number;
  readonly buvid3 = `${randomUUID().toUpperCase()}infoc`;
  readonly requests: RecordedRequest[] = [];
  readonly openPlatformCalls: OpenPlatformCall[] = [];
  readonly connections: FakeConnection[] = [];
  readonly tokens: IssuedToken[] = [];
  readonly games: Game[] = [];
  /** Auth replies to send with a non-zero code before accepting again. */
  refuseAuthCount = 0;
  /** When false the server goes quiet: heartbeats are recorded but not answered. */
  answerHeartbeats = true;
  readonly #options: FakeBilibiliOptions;
  readonly #http: Server;
  readonly #hostServers: { server: Server; wss: WebSocketServer; port: number }[] = [];
  #port = 0;
  #nextConnectionId = 1;
  readonly #usedNonces = new Set<string>();

  private constructor(options: FakeBilibiliOptions) {
    this.#options = options;
    this.roomId = options.roomId ?? 22608112;
    this.shortRoomId = options.shortRoomId ?? 6;
    this.ownerUid = options.ownerUid ?? 1521113;
    this.#http = createServer((request, response) => void this.#onHttp(request, response));
  }

  static async start(options: FakeBilibiliOptions = {}): Promise<FakeBilibili> {
    const fake = new FakeBilibili(options);
    fake.#port = await listen(fake.#http);
    for (let index = 0; index < (options.hostCount ?? 2); index++) {
      const server = createServer((_request, response) => response.writeHead(404).end());
      const wss = new WebSocketServer({ server, path: '/sub' });
      wss.on('connection', (socket, request) => fake.#onSocket(socket, request, index));
      fake.#hostServers.push({ server, wss, port: await listen(server) });
    }
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get hostPorts(): number[] {
    return this.#hostServers.map((host) => host.port);
  }

  /** Connections that passed auth and are still open. */
  get liveConnections(): FakeConnection[] {
    return this.connections.filter((connection) => connection.authenticated && !connection.closed);
  }

  /** Sends one bundle (one WebSocket message) of commands to every authenticated connection. */
  push(commands: readonly unknown[], compression: Compression = 'brotli'): void {
    this.pushRaw(bundle(commands, compression));
  }

  /** Sends arbitrary bytes (garbage, hand-made packets) to every authenticated connection. */
  pushRaw(bytes: Uint8Array): void {
    for (const connection of this.liveConnections) connection.socket.send(bytes);
  }

  /** Kills every socket without a close handshake, like a network drop. */
  dropConnections(): void {
    for (const connection of this.connections) if (!connection.closed) connection.socket.terminate();
  }

  /** Invalidates every issued token: sockets authenticating with one are accepted and then closed, like the real server. */
  revokeTokens(): void {
    for (const token of this.tokens) token.valid = false;
  }

  /** The Open Platform game dies (heartbeats now answer 7003). */
  expireGame(gameId: string): void {
    const game = this.games.find((candidate) => candidate.gameId === gameId);
    if (game) game.active = false;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`fake Bilibili: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    for (const host of this.#hostServers) {
      host.wss.close();
      await closeServer(host.server);
    }
    await closeServer(this.#http);
  }

  // ---- HTTP ----

  async #onHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.baseUrl);
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: request.headers, body, at: performance.now() };
    this.requests.push(recorded);
    const reply = (payload: object): void => {
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(payload));
    };
    switch (url.pathname) {
      case '/room/v1/Room/get_info': {
        const asked = Number(url.searchParams.get('room_id'));
        if (asked !== this.roomId && asked !== this.shortRoomId) return reply({ code: 1, msg: '未找到该房间', message: '未找到该房间', data: [] });
        return reply({ code: 0, msg: 'ok', message: 'ok', data: { uid: this.ownerUid, room_id: this.roomId, short_id: this.shortRoomId, attention: 100, online: 0, live_status: 1, title: '今晚唱歌' } });
      }
      case '/x/web-interface/nav': {
        const mid = this.#loggedInMid(request.headers);
        const wbi_img = { img_url: `https://i0.hdslb.com/bfs/wbi/${WBI_IMG}.png`, sub_url: `https://i0.hdslb.com/bfs/wbi/${WBI_SUB}.png` };
        return reply(mid ? { code: 0, message: '0', data: { isLogin: true, mid, uname: '测试账号', wbi_img } } : { code: -101, message: '账号未登录', data: { isLogin: false, wbi_img } });
      }
      case '/x/frontend/finger/spi':
        return reply({ code: 0, message: 'ok', data: { b_3: this.buvid3, b_4: `${randomUUID()}-023-x` } });
      case '/xlive/web-room/v1/index/getDanmuInfo':
        return reply(this.#danmuInfo(url.searchParams, request.headers));
      case '/v2/app/start':
      case '/v2/app/heartbeat':
      case '/v2/app/end':
        return reply(this.#openPlatform(url.pathname, request.headers, body));
      default:
        response.writeHead(404).end();
    }
  }

  #loggedInMid(headers: IncomingHttpHeaders): number | undefined {
    const sessdata = this.#options.sessdata;
    if (sessdata === undefined) return undefined;
    return cookieValue(headers, 'SESSDATA') === sessdata ? (this.#options.loggedInMid ?? 424242) : undefined;
  }

  #danmuInfo(query: URLSearchParams, headers: IncomingHttpHeaders): object {
    if (cookieValue(headers, 'buvid3') !== this.buvid3) return { code: -352, message: '-352', data: {} };
    const wRid = query.get('w_rid');
    const params = [...query.entries()].filter(([key]) => key !== 'w_rid').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const text = params.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
    const mixin = MIXIN_ORDER.map((index) => (WBI_IMG + WBI_SUB)[index]).join('');
    if (wRid === null || query.get('wts') === null || createHash('md5').update(text + mixin).digest('hex') !== wRid) return { code: -352, message: '-352', data: {} };
    if (Number(query.get('id')) !== this.roomId) return { code: 1002002, message: '房间不存在', data: {} };
    const token = randomBytes(48).toString('base64');
    this.tokens.push({ token, userAgent: String(headers['user-agent'] ?? ''), valid: true });
    return {
      code: 0,
      message: '0',
      ttl: 1,
      data: {
        group: 'live',
        business_id: 0,
        refresh_row_factor: 0.125,
        refresh_rate: 100,
        max_delay: 5000,
        token,
        host_list: this.#hostServers.map((host) => ({ host: '127.0.0.1', port: 2243, wss_port: host.port, ws_port: host.port })),
      },
    };
  }

  #openPlatform(path: string, headers: IncomingHttpHeaders, body: string): object {
    const config = this.#options.openPlatform;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // recorded as invalid below
    }
    const problem = config === undefined ? 'open platform not configured' : this.#signatureProblem(headers, body, config);
    this.openPlatformCalls.push({ path, body: parsed, signatureValid: problem === undefined, ...(problem ? { problem } : {}), at: performance.now() });
    if (problem !== undefined || config === undefined) return { code: -400, message: `invalid signature: ${problem}`, request_id: randomUUID(), data: {} };
    const ok = (data: object): object => ({ code: 0, message: '0', request_id: randomUUID(), data });
    switch (path) {
      case '/v2/app/start': {
        if (parsed['code'] !== config.authCode) return { code: 7007, message: '身份码错误', data: {} };
        if (parsed['app_id'] !== config.appId) return { code: 4000, message: '参数错误', data: {} };
        const game: Game = { gameId: randomUUID(), authBody: JSON.stringify({ roomid: this.roomId, protoover: 2, uid: 0, key: randomBytes(24).toString('base64'), group: 'open' }), active: true, heartbeats: 0 };
        this.games.push(game);
        const links = this.#hostServers.map((host) => `ws://127.0.0.1:${host.port}/sub`);
        return ok({
          anchor_info: { room_id: this.roomId, uface: '', uid: this.ownerUid, uname: '某主播', open_id: 'anchor-open-id', union_id: '' },
          game_info: { game_id: game.gameId },
          websocket_info: { auth_body: game.authBody, wss_link: links },
        });
      }
      case '/v2/app/heartbeat': {
        const game = this.games.find((candidate) => candidate.gameId === parsed['game_id']);
        if (!game || !game.active) return { code: 7003, message: '心跳过期或GameId错误', data: {} };
        game.heartbeats++;
        return ok({});
      }
      default: {
        const game = this.games.find((candidate) => candidate.gameId === parsed['game_id']);
        if (parsed['app_id'] !== config.appId) return { code: 4000, message: '参数错误', data: {} };
        if (!game || !game.active) return { code: 7000, message: '已结束', data: {} };
        game.active = false;
        for (const connection of this.connections) if (connection.route === 'open-platform' && connection.auth === game.authBody) connection.socket.close();
        return ok({});
      }
    }
  }

  /** Recomputes the Open Platform signature exactly as documented; returns what is wrong, if anything. */
  #signatureProblem(headers: IncomingHttpHeaders, body: string, config: FakeOpenPlatformConfig): string | undefined {
    const names = ['x-bili-accesskeyid', 'x-bili-content-md5', 'x-bili-signature-method', 'x-bili-signature-nonce', 'x-bili-signature-version', 'x-bili-timestamp'];
    for (const name of names) if (typeof headers[name] !== 'string') return `missing ${name}`;
    if (headers['x-bili-accesskeyid'] !== config.accessKeyId) return 'unknown access key id';
    if (headers['x-bili-content-md5'] !== createHash('md5').update(body).digest('hex')) return 'content md5 mismatch';
    if (headers['x-bili-signature-method'] !== 'HMAC-SHA256' || headers['x-bili-signature-version'] !== '1.0') return 'bad method/version';
    if (Math.abs(Number(headers['x-bili-timestamp']) - Date.now() / 1000) > 300) return 'stale timestamp';
    const nonce = String(headers['x-bili-signature-nonce']);
    if (this.#usedNonces.has(nonce)) return 'nonce reused';
    this.#usedNonces.add(nonce);
    const canonical = names.map((name) => `${name}:${String(headers[name])}`).join('\n');
    const expected = createHmac('sha256', config.accessKeySecret).update(canonical).digest('hex');
    if (headers['authorization'] !== expected) return 'signature mismatch';
    if (!String(headers['content-type'] ?? '').includes('application/json')) return 'content type is not JSON';
    return undefined;
  }

  // ---- WebSocket ----

  #onSocket(socket: ServerSocket, request: IncomingMessage, hostIndex: number): void {
    const connection: FakeConnection = { id: this.#nextConnectionId++, route: 'web', hostIndex, headers: request.headers, socket, auth: undefined, authenticated: false, heartbeats: [], closed: false };
    this.connections.push(connection);
    socket.on('close', () => (connection.closed = true));
    socket.on('message', (data: Buffer) => {
      let packets;
      try {
        packets = readClientPackets(data);
      } catch {
        socket.close(1002);
        return;
      }
      for (const packet of packets) {
        if (packet.operation === FakeOp.auth) this.#onAuth(connection, packet.body.toString('utf8'));
        else if (packet.operation === FakeOp.heartbeat) {
          connection.heartbeats.push(performance.now());
          if (connection.authenticated && this.answerHeartbeats) socket.send(heartbeatReply(1));
        }
      }
    });
  }

  #onAuth(connection: FakeConnection, body: string): void {
    const game = this.games.find((candidate) => candidate.authBody === body);
    if (game !== undefined) {
      (connection as { route: 'web' | 'open-platform' }).route = 'open-platform';
      connection.auth = body;
      if (!game.active) return void connection.socket.close();
    } else {
      let auth: Record<string, unknown>;
      try {
        auth = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return void connection.socket.close();
      }
      connection.auth = auth;
      const token = this.tokens.find((candidate) => candidate.token === auth['key']);
      const expectedUid = this.#loggedInMid(connection.headers) ?? 0;
      const valid =
        token !== undefined &&
        token.valid &&
        token.userAgent === connection.headers['user-agent'] &&
        auth['roomid'] === this.roomId &&
        auth['uid'] === expectedUid &&
        auth['buvid'] === this.buvid3 &&
        (auth['protover'] === 2 || auth['protover'] === 3);
      // The real server accepts a socket with a bad key and then closes it without a reply.
      if (!valid) return void setTimeout(() => connection.socket.close(), 5);
    }
    if (this.refuseAuthCount > 0) {
      this.refuseAuthCount--;
      connection.socket.send(authReply(-101));
      setTimeout(() => connection.socket.close(), 5);
      return;
    }
    connection.authenticated = true;
    connection.socket.send(authReply(0));
  }
}

function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const cookie = String(headers['cookie'] ?? '');
  for (const part of cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
