import { ChorusError } from '../../util/ChorusError.ts';

/** The danmaku server refused our auth packet (or closed the socket before accepting it). Retried with a new token/session. */
export class DanmakuAuthError extends ChorusError {
  constructor(detail: string, retry = 'Chorus fetches a new token and reconnects.') {
    super('bilibili-auth', `Bilibili's danmaku server refused the connection (${detail}). ${retry}`);
  }
}
