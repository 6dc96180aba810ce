import { BilibiliApiError } from './BilibiliApiError.ts';
import { apiUrl, requestJson } from './httpJson.ts';
import { arrayAt, numberAt, objectAt, stringAt } from './jsonFields.ts';
import { signWbi, wbiKeyFromUrl, wbiMixinKey } from './WbiSigner.ts';

/** Bilibili signs the danmaku token with the User-Agent: the same one must be used for getDanmuInfo and the socket. */
export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36';

export interface WebRoomSessionOptions {
  /** The room number from the URL; short ids (靓号) are resolved to the real id. */
  readonly roomId: number;
  /** Base of api.live.bilibili.com (overridable for a proxy or tests). */
  readonly liveApiBase?: string;
  /** Base of api.bilibili.com (login state, WBI keys, buvid). */
  readonly mainApiBase?: string;
  /** A logged-in browser cookie, so names and uids are not masked. Only ever sent as a header, never logged. */
  readonly cookie?: string;
  readonly userAgent?: string;
  readonly requestTimeoutMs?: number;
  /** How long WBI keys are reused (Bilibili rotates them about daily). */
  readonly wbiKeyLifetimeMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export interface DanmakuHost {
  readonly host: string;
  readonly port: number;
  readonly wsPort: number;
  readonly wssPort: number;
}

/** Everything needed to open (and authenticate) a danmaku socket. */
export interface WebConnectInfo {
  readonly roomId: number;
  readonly ownerUid: number;
  /** The logged-in account's uid, or 0 when anonymous (names will be masked). */
  readonly uid: number;
  readonly buvid: string;
  readonly token: string;
  readonly hosts: readonly DanmakuHost[];
}

export type WebRoomSessionState =
  | { readonly status: 'new' }
  | { readonly status: 'ready'; readonly info: WebConnectInfo; readonly fetchedAt: number }
  /** The token was refused (or is old): the next `connectInfo()` fetches a fresh one. */
  | { readonly status: 'stale'; readonly info: WebConnectInfo; readonly reason: string };

const FALLBACK_HOST: DanmakuHost = { host: 'broadcastlv.chat.bilibili.com', port: 2243, wsPort: 2244, wssPort: 443 };

/**
 * The web route's HTTP bootstrap: room id → login state and WBI keys (nav) → buvid3 → getDanmuInfo (token + hosts).
 * Caches the result until `invalidate()`; never caches a token for the process lifetime.
 */
export class WebRoomSession {
  readonly #options: WebRoomSessionOptions;
  readonly #liveApiBase: string;
  readonly #mainApiBase: string;
  readonly #userAgent: string;
  readonly #now: () => number;
  #state: WebRoomSessionState = { status: 'new' };
  #room: { roomId: number; ownerUid: number } | undefined;
  #buvid: { b3: string; b4: string } | undefined;
  #wbi: { mixinKey: string; fetchedAt: number } | undefined;
  #tokenFetches = 0;

  constructor(options: WebRoomSessionOptions) {
    if (!Number.isInteger(options.roomId) || options.roomId <= 0) {
      throw new BilibiliApiError('config', `BILIBILI_ROOM_ID must be a positive room number, not "${options.roomId}".`, { retryable: false });
    }
    this.#options = options;
    this.#liveApiBase = options.liveApiBase ?? 'https://api.live.bilibili.com';
    this.#mainApiBase = options.mainApiBase ?? 'https://api.bilibili.com';
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.#now = options.now ?? Date.now;
  }

  get state(): WebRoomSessionState {
    return this.#state;
  }

  /** How many tokens were requested so far (diagnostics: a fast-rising count means auth keeps failing). */
  get tokenFetches(): number {
    return this.#tokenFetches;
  }

  get userAgent(): string {
    return this.#userAgent;
  }

  /** Headers for the WebSocket handshake: same UA as the token request, plus the cookies. */
  socketHeaders(): Record<string, string> {
    return { 'User-Agent': this.#userAgent, Origin: 'https://live.bilibili.com', ...this.#cookieHeader() };
  }

  /** Marks the token stale so the next `connectInfo()` fetches a new one (after an auth failure, or periodically). */
  invalidate(reason: string): void {
    if (this.#state.status === 'ready') this.#state = { status: 'stale', info: this.#state.info, reason };
  }

  async connectInfo(signal?: AbortSignal): Promise<WebConnectInfo> {
    if (this.#state.status === 'ready') return this.#state.info;
    const room = await this.#resolveRoom(signal);
    const nav = await this.#nav(signal);
    const buvid = await this.#buvidPair(signal);
    const token = await this.#danmuInfo(room.roomId, nav.mixinKey, signal);
    const info: WebConnectInfo = { roomId: room.roomId, ownerUid: room.ownerUid, uid: nav.uid, buvid: buvid.b3, token: token.token, hosts: token.hosts };
    this.#state = { status: 'ready', info, fetchedAt: this.#now() };
    return info;
  }

  #cookieHeader(): Record<string, string> {
    const parts: string[] = [];
    const cookie = this.#options.cookie?.trim();
    if (cookie) parts.push(cookie);
    if (this.#buvid && !/(?:^|;\s*)buvid3=/.test(cookie ?? '')) {
      parts.push(`buvid3=${this.#buvid.b3}`);
      if (this.#buvid.b4) parts.push(`buvid4=${this.#buvid.b4}`);
    }
    return parts.length > 0 ? { Cookie: parts.join('; ') } : {};
  }

  #headers(): Record<string, string> {
    return { 'User-Agent': this.#userAgent, Referer: 'https://live.bilibili.com/', ...this.#cookieHeader() };
  }

  #get(base: string, path: string, query: Record<string, string | number>, signal: AbortSignal | undefined) {
    return requestJson(apiUrl(base, path, query), {
      headers: this.#headers(),
      timeoutMs: this.#options.requestTimeoutMs ?? 10_000,
      ...(signal ? { signal } : {}),
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
    });
  }

  async #resolveRoom(signal: AbortSignal | undefined): Promise<{ roomId: number; ownerUid: number }> {
    if (this.#room) return this.#room;
    const path = '/room/v1/Room/get_info';
    const reply = await this.#get(this.#liveApiBase, path, { room_id: this.#options.roomId }, signal);
    const roomId = numberAt(reply.data, 'room_id');
    if (reply.code !== 0 || roomId <= 0) {
      throw new BilibiliApiError(path, `Bilibili has no live room ${this.#options.roomId} (code ${reply.code}: ${reply.message}). Check BILIBILI_ROOM_ID.`, {
        apiCode: reply.code,
        retryable: false,
      });
    }
    this.#room = { roomId, ownerUid: numberAt(reply.data, 'uid') };
    return this.#room;
  }

  /** nav answers even when logged out (code -101) and always carries the WBI key images. */
  async #nav(signal: AbortSignal | undefined): Promise<{ uid: number; mixinKey: string }> {
    const path = '/x/web-interface/nav';
    const reply = await this.#get(this.#mainApiBase, path, {}, signal);
    const loggedIn = reply.code === 0 && reply.data['isLogin'] === true;
    const wbiImg = objectAt(reply.data, 'wbi_img');
    const imgUrl = stringAt(wbiImg, 'img_url');
    const subUrl = stringAt(wbiImg, 'sub_url');
    if (this.#wbi === undefined || this.#now() - this.#wbi.fetchedAt > (this.#options.wbiKeyLifetimeMs ?? 11 * 3600_000)) {
      if (imgUrl === '' || subUrl === '') {
        throw new BilibiliApiError(path, `Bilibili's nav answer has no WBI keys (code ${reply.code}); Chorus keeps retrying.`, { apiCode: reply.code, retryable: true });
      }
      this.#wbi = { mixinKey: wbiMixinKey(wbiKeyFromUrl(imgUrl), wbiKeyFromUrl(subUrl)), fetchedAt: this.#now() };
    }
    if (this.#options.cookie && !loggedIn) {
      throw new BilibiliApiError(path, 'The Bilibili login cookie is not logged in (expired or incomplete). Copy the full cookie again from a logged-in browser, or remove it to connect anonymously.', {
        apiCode: reply.code,
        retryable: false,
      });
    }
    // The auth packet's uid must equal the cookie's account, or the server drops the socket.
    return { uid: loggedIn ? numberAt(reply.data, 'mid') : 0, mixinKey: this.#wbi.mixinKey };
  }

  async #buvidPair(signal: AbortSignal | undefined): Promise<{ b3: string; b4: string }> {
    if (this.#buvid) return this.#buvid;
    const fromCookie = /(?:^|;\s*)buvid3=([^;]+)/.exec(this.#options.cookie ?? '')?.[1];
    if (fromCookie) {
      this.#buvid = { b3: fromCookie, b4: /(?:^|;\s*)buvid4=([^;]+)/.exec(this.#options.cookie ?? '')?.[1] ?? '' };
      return this.#buvid;
    }
    const path = '/x/frontend/finger/spi';
    const reply = await this.#get(this.#mainApiBase, path, {}, signal);
    const b3 = stringAt(reply.data, 'b_3');
    if (reply.code !== 0 || b3 === '') {
      throw new BilibiliApiError(path, `Bilibili did not hand out a buvid3 cookie (code ${reply.code}); Chorus keeps retrying.`, { apiCode: reply.code, retryable: true });
    }
    this.#buvid = { b3, b4: stringAt(reply.data, 'b_4') };
    return this.#buvid;
  }

  async #danmuInfo(roomId: number, mixinKey: string, signal: AbortSignal | undefined): Promise<{ token: string; hosts: DanmakuHost[] }> {
    const path = '/xlive/web-room/v1/index/getDanmuInfo';
    const query = signWbi({ id: roomId, type: 0, web_location: '444.8' }, mixinKey, Math.floor(this.#now() / 1000));
    this.#tokenFetches++;
    const reply = await this.#get(this.#liveApiBase, path, query, signal);
    if (reply.code === -352) {
      this.#wbi = undefined;
      throw new BilibiliApiError(path, 'Bilibili refused the danmaku token request as risky (-352). Chorus retries with fresh keys; if it persists, update Chorus (its User-Agent may be outdated) or add a login cookie.', {
        apiCode: reply.code,
        retryable: true,
      });
    }
    const token = stringAt(reply.data, 'token');
    if (reply.code !== 0 || token === '') {
      throw new BilibiliApiError(path, `Bilibili did not give a danmaku token for room ${roomId} (code ${reply.code}: ${reply.message}); Chorus keeps retrying.`, {
        apiCode: reply.code,
        retryable: true,
      });
    }
    const hosts = arrayAt(reply.data, 'host_list')
      .map((entry) => ({ host: stringAt(entry as object, 'host'), port: numberAt(entry as object, 'port'), wsPort: numberAt(entry as object, 'ws_port'), wssPort: numberAt(entry as object, 'wss_port') }))
      .filter((entry) => entry.host !== '');
    return { token, hosts: hosts.length > 0 ? hosts : [FALLBACK_HOST] };
  }
}
