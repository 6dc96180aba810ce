import { ChorusError } from '../../util/ChorusError.ts';

/** An authenticated danmaku socket went away. Reported as a warning; the client reconnects by itself. */
export class DanmakuDisconnectedError extends ChorusError {
  constructor(detail: string) {
    super('bilibili-disconnected', `Lost the Bilibili danmaku connection (${detail}). Chorus reconnects on its own.`);
  }
}
