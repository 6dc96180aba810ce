import { createHash, createHmac, randomUUID } from 'node:crypto';

export interface OpenPlatformCredentials {
  /** access_key_id from the developer e-mail. */
  readonly accessKeyId: string;
  /** access_key_secret: stays in this process, only ever used as an HMAC key. */
  readonly accessKeySecret: string;
}

/** The signed headers, in the order they enter the signature (which is also their sorted order). */
export const SIGNED_HEADER_NAMES = [
  'x-bili-accesskeyid',
  'x-bili-content-md5',
  'x-bili-signature-method',
  'x-bili-signature-nonce',
  'x-bili-signature-version',
  'x-bili-timestamp',
] as const;

/**
 * Headers for one Open Platform request: the six x-bili-* headers, and `Authorization` =
 * hex HMAC-SHA256(secret, "key:value" lines of those headers joined by "\n"). The body's MD5 binds it to the signature.
 */
export function signOpenPlatformRequest(
  body: string,
  credentials: OpenPlatformCredentials,
  options: { readonly nonce?: string; readonly timestampSeconds?: number } = {},
): Record<string, string> {
  const signed: Record<(typeof SIGNED_HEADER_NAMES)[number], string> = {
    'x-bili-accesskeyid': credentials.accessKeyId,
    'x-bili-content-md5': createHash('md5').update(body, 'utf8').digest('hex'),
    'x-bili-signature-method': 'HMAC-SHA256',
    'x-bili-signature-nonce': options.nonce ?? randomUUID(),
    'x-bili-signature-version': '1.0',
    'x-bili-timestamp': String(options.timestampSeconds ?? Math.floor(Date.now() / 1000)),
  };
  const canonical = SIGNED_HEADER_NAMES.map((name) => `${name}:${signed[name]}`).join('\n');
  const authorization = createHmac('sha256', credentials.accessKeySecret).update(canonical, 'utf8').digest('hex');
  return { ...signed, Authorization: authorization, 'Content-Type': 'application/json', Accept: 'application/json' };
}
