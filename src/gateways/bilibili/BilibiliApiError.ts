import { ChorusError } from '../../util/ChorusError.ts';

/**
 * A Bilibili HTTP API call failed (transport error, HTTP status, or a non-zero `code` in the envelope).
 * `retryable` says whether trying again later can help; a wrong room id or auth code cannot.
 */
export class BilibiliApiError extends ChorusError {
  readonly endpoint: string;
  readonly apiCode: number | undefined;
  readonly httpStatus: number | undefined;
  readonly retryable: boolean;

  constructor(
    endpoint: string,
    message: string,
    details: { apiCode?: number; httpStatus?: number; retryable: boolean; cause?: unknown },
  ) {
    super('bilibili-api', message, details.cause === undefined ? undefined : { cause: details.cause });
    this.endpoint = endpoint;
    this.apiCode = details.apiCode;
    this.httpStatus = details.httpStatus;
    this.retryable = details.retryable;
  }
}
