import { BilibiliApiError } from './BilibiliApiError.ts';
import { apiUrl, requestJson, type ApiEnvelope } from './httpJson.ts';
import { arrayAt, numberAt, objectAt, stringAt } from './jsonFields.ts';
import { signOpenPlatformRequest, type OpenPlatformCredentials } from './OpenPlatformSigner.ts';

export interface OpenPlatformApiOptions extends OpenPlatformCredentials {
  /** Project id of the 互动玩法 app. */
  readonly appId: number;
  /** Default https://live-open.biliapi.com (overridable for a proxy or tests). */
  readonly apiBase?: string;
  readonly requestTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** One running Open Platform session ("game"). */
export interface OpenPlatformGame {
  readonly gameId: string;
  /** Opaque auth body for the WebSocket: sent as-is, never parsed. */
  readonly authBody: string;
  readonly wssLinks: readonly string[];
  readonly anchor: { readonly roomId: number; readonly uname: string; readonly openId: string; readonly uid: number };
}

/** Codes the Open Platform answers with (from working clients; the official list is not public to us). */
export const OpenPlatformCode = {
  ok: 0,
  badParameters: 4000,
  alreadyEnded: 7000,
  /** Heartbeat for an expired or unknown game: start a new one. */
  gameExpired: 7003,
  /** The 身份码 is wrong. */
  badAuthCode: 7007,
  /** The app already has its maximum of sessions (5) open in this room. */
  tooManySessions: 7010,
} as const;

/** The streamer's 身份码 looks like this; checking first avoids annoying Bilibili with calls that must fail. */
const AUTH_CODE = /^[0-9A-Z]{12,14}$/;

export class OpenPlatformApi {
  readonly #options: OpenPlatformApiOptions;
  readonly #base: string;

  constructor(options: OpenPlatformApiOptions) {
    this.#options = options;
    this.#base = options.apiBase ?? 'https://live-open.biliapi.com';
  }

  async start(authCode: string, signal?: AbortSignal): Promise<OpenPlatformGame> {
    const path = '/v2/app/start';
    if (!AUTH_CODE.test(authCode)) {
      throw new BilibiliApiError(path, 'BILIBILI_AUTH_CODE does not look like a 身份码 (12–14 capital letters and digits). Copy it again from 直播姬 or the web 开播设置 page.', { retryable: false });
    }
    const reply = await this.#post(path, { code: authCode, app_id: this.#options.appId }, signal);
    if (reply.code === OpenPlatformCode.badAuthCode) {
      throw new BilibiliApiError(path, 'Bilibili rejected BILIBILI_AUTH_CODE (7007). Copy the current 身份码 from 直播姬 or the web 开播设置 page.', { apiCode: reply.code, retryable: false });
    }
    if (reply.code === OpenPlatformCode.tooManySessions) {
      throw new BilibiliApiError(path, 'Bilibili says this app already has its maximum of 5 sessions open in the room (7010). Close other Chorus instances or overlays using the same app; Chorus keeps retrying.', {
        apiCode: reply.code,
        retryable: true,
      });
    }
    this.#check(path, reply);
    const gameId = stringAt(objectAt(reply.data, 'game_info'), 'game_id');
    const websocket = objectAt(reply.data, 'websocket_info');
    const authBody = stringAt(websocket, 'auth_body');
    const wssLinks = arrayAt(websocket, 'wss_link').filter((link): link is string => typeof link === 'string' && link !== '');
    if (authBody === '' || wssLinks.length === 0) {
      throw new BilibiliApiError(path, 'The Open Platform start answer has no WebSocket address or auth body; Chorus keeps retrying.', { retryable: true });
    }
    const anchor = objectAt(reply.data, 'anchor_info');
    return {
      gameId,
      authBody,
      wssLinks,
      anchor: { roomId: numberAt(anchor, 'room_id'), uname: stringAt(anchor, 'uname'), openId: stringAt(anchor, 'open_id'), uid: numberAt(anchor, 'uid') },
    };
  }

  /** Keeps the game alive; throws with apiCode 7003 when it has expired (start a new one). */
  async heartbeat(gameId: string, signal?: AbortSignal): Promise<void> {
    const path = '/v2/app/heartbeat';
    this.#check(path, await this.#post(path, { game_id: gameId }, signal));
  }

  /** Ends the game so the room's session slot is freed. "Already ended" counts as success. */
  async end(gameId: string, signal?: AbortSignal): Promise<void> {
    const path = '/v2/app/end';
    const reply = await this.#post(path, { app_id: this.#options.appId, game_id: gameId }, signal);
    if (reply.code === OpenPlatformCode.alreadyEnded || reply.code === OpenPlatformCode.gameExpired) return;
    this.#check(path, reply);
  }

  #check(path: string, reply: ApiEnvelope): void {
    if (reply.code === OpenPlatformCode.ok) return;
    throw new BilibiliApiError(path, `The Bilibili Open Platform answered ${path} with code ${reply.code} (${reply.message}). Check the app id and access keys if this persists; Chorus keeps retrying.`, {
      apiCode: reply.code,
      retryable: true,
    });
  }

  #post(path: string, payload: object, signal: AbortSignal | undefined): Promise<ApiEnvelope> {
    const body = JSON.stringify(payload);
    return requestJson(apiUrl(this.#base, path), {
      method: 'POST',
      body,
      headers: signOpenPlatformRequest(body, this.#options),
      timeoutMs: this.#options.requestTimeoutMs ?? 10_000,
      ...(signal ? { signal } : {}),
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
    });
  }
}
