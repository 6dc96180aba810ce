import { dirname, join } from 'node:path';
import type { Chorus } from './Chorus.ts';
import type { Config } from '../config/Config.ts';
import type { Logger } from '../log/createLogger.ts';
import type { PlaybackTargetId } from '../speech/SpeechJob.ts';
import { ChorusOverlayControl } from './ChorusOverlayControl.ts';
import { OverlayListenError, OverlayServer } from '../overlay/OverlayServer.ts';
import { loadOrCreateOverlayToken } from '../overlay/OverlayToken.ts';

export interface StartOverlayOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The target the overlay URL shows; its audio goes to the pages. */
  readonly target: PlaybackTargetId;
  /** Further targets whose audio the pages can show with `&target=` in the URL. */
  readonly moreTargets?: readonly PlaybackTargetId[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Starts the overlay server for `npm start`: the token from OVERLAY_TOKEN or the saved one, the control page
 * over this Chorus, and an overlay sink on each target. A port in use is not fatal: the bot runs on without
 * the overlay and says why. The caller closes the server after Chorus.
 */
export async function startOverlay(chorus: Chorus, options: StartOverlayOptions): Promise<OverlayServer | undefined> {
  const { config, logger, target } = options;
  const token = await loadOrCreateOverlayToken(config.secrets.overlayToken, join(dirname(config.paths.database), 'overlay-token'));
  const targets = [target, ...(options.moreTargets ?? []).filter((other) => other !== target)];
  let server: OverlayServer;
  try {
    server = await OverlayServer.start({ host: config.overlay.host, port: config.overlay.port, token, logger, defaultTarget: target, control: new ChorusOverlayControl(chorus, targets) });
  } catch (error) {
    if (!(error instanceof OverlayListenError)) throw error;
    logger.warn('%s Chorus runs on without it.', error.message);
    return undefined;
  }
  for (const each of targets) chorus.attachSink(each, server.sink(each));
  if (!LOOPBACK.has(config.overlay.host)) logger.warn({ host: config.overlay.host }, 'the overlay server accepts connections from other machines; keep its URL (it holds the token) private');
  logger.info({ origin: server.origin }, 'overlay server listening');
  return server;
}

/** The lines `npm start` prints for the streamer. They hold the token: stdout only, never a log. */
export function overlayStartupMessage(server: OverlayServer): string {
  return [`OBS overlay (add as a Browser Source): ${server.overlayUrl()}`, `Control page: ${server.controlUrl()}`].join('\n');
}
