import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signOpenPlatformRequest } from '../OpenPlatformSigner.ts';
import { signWbi, wbiKeyFromUrl, wbiMixinKey } from '../WbiSigner.ts';

describe('WBI signing', () => {
  it('derives the mixin key of the published test vector', () => {
    const img = wbiKeyFromUrl('https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png');
    const sub = wbiKeyFromUrl('https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png');
    expect(img).toBe('7cd084941338484aae1ad9425b84077c');
    expect(wbiMixinKey(img, sub)).toBe('ea1db124af3c7062474693fa704f4ff8');
  });

  it('signs the sorted, encoded query with wts and strips forbidden characters from values', () => {
    const mixin = 'ea1db124af3c7062474693fa704f4ff8';
    const signed = signWbi({ foo: "one two!'()*", bar: 514, zab: 1919810 }, mixin, 1702204169);
    expect(signed['foo']).toBe('one two');
    expect(signed['wts']).toBe('1702204169');
    const expected = createHash('md5').update(`bar=514&foo=one%20two&wts=1702204169&zab=1919810${mixin}`).digest('hex');
    expect(signed['w_rid']).toBe(expected);
  });
});

describe('Open Platform signing', () => {
  it('signs the six x-bili headers in order with HMAC-SHA256 over "key:value" lines and binds the body md5', () => {
    const body = '{"code":"ABCDEF123456","app_id":1650000000}';
    const headers = signOpenPlatformRequest(body, { accessKeyId: 'KEYID', accessKeySecret: 'SECRET' }, { nonce: 'n-1', timestampSeconds: 1767000000 });
    const md5 = createHash('md5').update(body).digest('hex');
    expect(headers).toMatchObject({
      'x-bili-accesskeyid': 'KEYID',
      'x-bili-content-md5': md5,
      'x-bili-signature-method': 'HMAC-SHA256',
      'x-bili-signature-nonce': 'n-1',
      'x-bili-signature-version': '1.0',
      'x-bili-timestamp': '1767000000',
      'Content-Type': 'application/json',
    });
    const canonical = `x-bili-accesskeyid:KEYID\nx-bili-content-md5:${md5}\nx-bili-signature-method:HMAC-SHA256\nx-bili-signature-nonce:n-1\nx-bili-signature-version:1.0\nx-bili-timestamp:1767000000`;
    expect(headers['Authorization']).toBe(createHmac('sha256', 'SECRET').update(canonical).digest('hex'));
    const other = signOpenPlatformRequest(body.replace('1650000000', '1650000001'), { accessKeyId: 'KEYID', accessKeySecret: 'SECRET' }, { nonce: 'n-1', timestampSeconds: 1767000000 });
    expect(other['Authorization']).not.toBe(headers['Authorization']);
    expect(signOpenPlatformRequest(body, { accessKeyId: 'KEYID', accessKeySecret: 'SECRET' })['x-bili-signature-nonce']).not.toBe(signOpenPlatformRequest(body, { accessKeyId: 'KEYID', accessKeySecret: 'SECRET' })['x-bili-signature-nonce']);
  });
});
