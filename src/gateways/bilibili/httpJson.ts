import { BilibiliApiError } from './BilibiliApiError.ts';
import { isJsonObject, numberAt, objectAt, stringAt, type JsonObject } from './jsonFields.ts';

export interface ApiEnvelope {
  readonly code: number;
  readonly message: string;
  readonly data: JsonObject;
  readonly headers: Headers;
}

/** Joins a configurable base URL (maybe with a proxy path prefix) and an endpoint path. */
export function apiUrl(base: string, path: string, query?: Record<string, string | number>): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, String(value));
  return url;
}

/**
 * One HTTP call to a Bilibili API returning the usual `{code, message, data}` envelope. Transport failures and
 * HTTP errors become retryable `BilibiliApiError`s; the caller judges non-zero codes. The endpoint name in errors
 * is the path only, never the query (which may hold signatures) or headers (which may hold the cookie).
 */
export async function requestJson(
  url: URL,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; timeoutMs: number; signal?: AbortSignal; fetch?: typeof fetch },
): Promise<ApiEnvelope> {
  const endpoint = url.pathname;
  const signals = [AbortSignal.timeout(init.timeoutMs), ...(init.signal ? [init.signal] : [])];
  let response: Response;
  try {
    response = await (init.fetch ?? fetch)(url, {
      method: init.method ?? 'GET',
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    throw new BilibiliApiError(endpoint, `Could not reach Bilibili (${url.host}${endpoint}): ${(error as Error).message}. Check the network or proxy; Chorus keeps retrying.`, {
      retryable: true,
      cause: error,
    });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new BilibiliApiError(endpoint, `Bilibili answered ${endpoint} with HTTP ${response.status} and no JSON; Chorus keeps retrying.`, {
      httpStatus: response.status,
      retryable: true,
      cause: error,
    });
  }
  if (!response.ok || !isJsonObject(body)) {
    throw new BilibiliApiError(endpoint, `Bilibili answered ${endpoint} with HTTP ${response.status}; Chorus keeps retrying.`, {
      httpStatus: response.status,
      retryable: true,
    });
  }
  return { code: numberAt(body, 'code', -1), message: stringAt(body, 'message', stringAt(body, 'msg')), data: objectAt(body, 'data'), headers: response.headers };
}
