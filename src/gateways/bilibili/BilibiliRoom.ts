import type { Config } from '../../config/Config.ts';
import type { Logger } from '../../log/createLogger.ts';
import { BilibiliGateway, type BilibiliHost } from './BilibiliGateway.ts';
import type { BilibiliSettings } from './BilibiliSettings.ts';
import { DanmakuClient, type DanmakuClientState } from './DanmakuClient.ts';
import { OpenPlatformClient, type OpenPlatformClientState } from './OpenPlatformClient.ts';
import type { PacketError } from './PacketError.ts';
import type { ChorusError } from '../../util/ChorusError.ts';

/** Which way into the room the configuration asks for, if any. */
export type BilibiliRoute = 'open-platform' | 'web' | undefined;

export function bilibiliRoute(config: Config): BilibiliRoute {
  if (config.secrets.bilibiliAuthCode !== undefined) return 'open-platform';
  if (config.bilibili.roomId !== undefined) return 'web';
  return undefined;
}

/** The log lines both routes' clients feed; each route subscribes its own client's typed events to them. */
interface RoomConnectionLog {
  stateChange(next: DanmakuClientState | OpenPlatformClientState): void;
  warning(error: ChorusError): void;
  packetError(error: PacketError): void;
}

function roomConnectionLog(logger: Logger, route: 'open-platform' | 'web'): RoomConnectionLog {
  return {
    stateChange: (next) => {
      const { status } = next;
      if (status === 'connected') logger.info({ route, state: next }, 'Bilibili connected');
      else if (status === 'closed' && next.error !== undefined) logger.error({ route, code: next.error.code }, 'Bilibili stopped: %s', next.error.message);
      else logger.debug({ route, state: next }, 'Bilibili connection %s', status);
    },
    warning: (error) => logger.warn({ route, code: error.code }, 'Bilibili: %s', error.message),
    packetError: (error) => logger.warn({ route, code: error.code }, 'Bilibili packet skipped: %s', error.message),
  };
}

export interface BilibiliRoomOptions {
  readonly config: Config;
  readonly settings: BilibiliSettings;
  readonly host: BilibiliHost;
  readonly logger: Logger;
}

/**
 * One configured live room: the client for the configured route (Open Platform with a 身份码, else the web
 * route with BILIBILI_ROOM_ID), the gateway reading it into the pipeline, and connection logging. `close()`
 * ends the Open Platform session on Bilibili's side so the slot is freed.
 */
export class BilibiliRoom {
  readonly route: 'open-platform' | 'web';
  readonly gateway: BilibiliGateway;
  readonly #client: DanmakuClient | OpenPlatformClient;

  constructor(options: BilibiliRoomOptions) {
    const { config, logger } = options;
    const route = bilibiliRoute(config);
    if (route === undefined) throw new Error('BilibiliRoom needs BILIBILI_ROOM_ID or BILIBILI_AUTH_CODE');
    this.route = route;
    const { secrets, bilibili } = config;
    const target = `bilibili:${bilibili.roomId ?? 'open-platform'}`;
    this.gateway = new BilibiliGateway({ host: options.host, target, templates: options.settings.templates, emoticons: bilibili.emoticons });
    const log = roomConnectionLog(logger, route);
    if (route === 'open-platform') {
      const client = new OpenPlatformClient({
        authCode: secrets.bilibiliAuthCode as string,
        appId: bilibili.appId as number,
        accessKeyId: secrets.bilibiliAccessKeyId as string,
        accessKeySecret: secrets.bilibiliAccessKeySecret as string,
        ...(bilibili.openApiBase === undefined ? {} : { apiBase: bilibili.openApiBase }),
      });
      client.on('gameStart', (game) => logger.info({ room: game.anchor.roomId, anchor: game.anchor.uname }, 'Bilibili Open Platform session started'));
      client.on('stateChange', (_old, next) => log.stateChange(next));
      client.on('warning', log.warning);
      client.on('packetError', log.packetError);
      this.#client = client;
    } else {
      const client = new DanmakuClient({
        roomId: bilibili.roomId as number,
        ...(bilibili.liveApiBase === undefined ? {} : { liveApiBase: bilibili.liveApiBase }),
        ...(bilibili.mainApiBase === undefined ? {} : { mainApiBase: bilibili.mainApiBase }),
        ...(secrets.bilibiliCookie === undefined ? {} : { cookie: secrets.bilibiliCookie }),
        // A plain-http API base is a local proxy or test server, whose danmaku hosts speak plain ws.
        scheme: bilibili.liveApiBase?.startsWith('http:') === true ? 'ws' : 'wss',
      });
      client.on('stateChange', (_old, next) => log.stateChange(next));
      client.on('warning', log.warning);
      client.on('packetError', log.packetError);
      this.#client = client;
    }
    this.gateway.attach(this.#client);
  }

  get target(): string {
    return this.gateway.target;
  }

  get state(): DanmakuClientState | OpenPlatformClientState {
    return this.#client.state;
  }

  /** Resolves once connected, or once the client stopped (a configuration problem; its state says why). */
  start(): Promise<void> {
    return this.#client.start();
  }

  async close(): Promise<void> {
    this.gateway.close();
    await this.#client.close();
  }
}
