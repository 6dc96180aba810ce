import { afterEach, describe, expect, it } from 'vitest';
import type { BilibiliEvent } from '../BilibiliEvent.ts';
import { OpenPlatformClient, type OpenPlatformClientOptions } from '../OpenPlatformClient.ts';
import type { PacketError } from '../PacketError.ts';
import type { ChorusError } from '../../../util/ChorusError.ts';
import { FakeBilibili } from '../../../../test/fakes/bilibili/FakeBilibili.ts';
import { frame } from '../../../../test/fakes/bilibili/fakeFraming.ts';
import * as bodies from '../../../../test/fakes/bilibili/commandBodies.ts';

const credentials = { accessKeyId: 'test-access-key', accessKeySecret: 'test-secret-do-not-log', appId: 1650000000, authCode: 'ABCDEF1234567' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(options: Partial<OpenPlatformClientOptions> = {}) {
  const fake = await FakeBilibili.start({ openPlatform: credentials });
  const client = new OpenPlatformClient({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    appId: credentials.appId,
    authCode: credentials.authCode,
    apiBase: fake.baseUrl,
    backoff: { initialDelayMs: 20, maxDelayMs: 200, jitterMs: 10 },
    ...options,
  });
  const events: BilibiliEvent[] = [];
  const packetErrors: PacketError[] = [];
  const warnings: ChorusError[] = [];
  client.on('event', (event) => events.push(event));
  client.on('packetError', (error) => packetErrors.push(error));
  client.on('warning', (error) => warnings.push(error));
  cleanups.push(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client, events, packetErrors, warnings };
}

const calls = (fake: FakeBilibili, path: string) => fake.openPlatformCalls.filter((call) => call.path === path);

describe('OpenPlatformClient against the fake Bilibili', () => {
  it('starts a signed session, authenticates with the opaque auth body and maps zlib-bundled commands', async () => {
    const { fake, client, events, packetErrors } = await setUp();
    await client.start();
    expect(client.state.status).toBe('connected');
    const [start] = calls(fake, '/v2/app/start');
    expect(start).toMatchObject({ signatureValid: true, body: { code: credentials.authCode, app_id: credentials.appId } });
    const connection = fake.liveConnections[0]!;
    expect(connection.route).toBe('open-platform');
    expect(connection.auth).toBe(fake.games[0]!.authBody);

    fake.push([bodies.openDanmaku({ msgId: 'm-1' }), bodies.openGift(), bodies.openSuperChat({ messageId: 7 }), bodies.openSuperChatDelete([7])], 'zlib');
    fake.push([bodies.openGuard(), bodies.openLike(), bodies.openEnter(), bodies.openLiveStart(), bodies.openLiveEnd(), { cmd: 'LIVE_OPEN_PLATFORM_NEW_THING', data: {} }], 'zlib');
    await fake.waitFor(() => events.length >= 10, 5_000, 'ten events');
    expect(events.map((e) => e.type)).toEqual(['danmaku', 'gift', 'superChat', 'superChatDelete', 'guard', 'like', 'interact', 'liveStart', 'liveStop', 'unknown']);
    expect(events[0]).toMatchObject({ source: 'open-platform', roomId: fake.roomId, id: 'm-1', viewer: { id: '39b8fedb-60a5-4e29-ac75-b16955f7e632' } });
    expect(packetErrors).toEqual([]);
  });

  it('sends app heartbeats on an interval and calls end on close', async () => {
    const { fake, client } = await setUp({ appHeartbeatIntervalMs: 80 });
    await client.start();
    const gameId = fake.games[0]!.gameId;
    await fake.waitFor(() => calls(fake, '/v2/app/heartbeat').length >= 4, 5_000, 'four app heartbeats');
    const heartbeats = calls(fake, '/v2/app/heartbeat').slice(0, 4);
    expect(heartbeats.every((call) => call.signatureValid && call.body['game_id'] === gameId)).toBe(true);
    const span = heartbeats[3]!.at - heartbeats[0]!.at;
    expect(span).toBeGreaterThan(3 * 80 - 40);
    expect(span).toBeLessThan(3 * 80 + 120);
    await client.close();
    expect(client.state.status).toBe('closed');
    expect(calls(fake, '/v2/app/end')).toEqual([expect.objectContaining({ signatureValid: true, body: { app_id: credentials.appId, game_id: gameId } })]);
    expect(fake.games[0]!.active).toBe(false);
    const count = calls(fake, '/v2/app/heartbeat').length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls(fake, '/v2/app/heartbeat')).toHaveLength(count);
  });

  it('starts a new session after the WebSocket refuses auth, ending the old one', async () => {
    const { fake, client, warnings } = await setUp();
    fake.refuseAuthCount = 1;
    await client.start();
    expect(client.state.status).toBe('connected');
    expect(calls(fake, '/v2/app/start')).toHaveLength(2);
    expect(fake.games).toHaveLength(2);
    expect(calls(fake, '/v2/app/end')[0]!.body['game_id']).toBe(fake.games[0]!.gameId);
    expect(fake.liveConnections[0]!.auth).toBe(fake.games[1]!.authBody);
    expect(warnings.map((w) => w.code)).toContain('bilibili-auth');
  });

  it('starts a new session when the server ends the interaction or the heartbeat says 7003', async () => {
    const { fake, client } = await setUp({ appHeartbeatIntervalMs: 50 });
    await client.start();
    fake.push([bodies.openInteractionEnd(fake.games[0]!.gameId)], 'zlib');
    await fake.waitFor(() => fake.games.length === 2 && fake.liveConnections.some((c) => c.auth === fake.games[1]!.authBody), 5_000, 'a second game after INTERACTION_END');
    fake.expireGame(fake.games[1]!.gameId);
    await fake.waitFor(() => fake.games.length === 3 && fake.liveConnections.some((c) => c.auth === fake.games[2]!.authBody), 5_000, 'a third game after 7003');
    // The fake sees the auth packet before the client has read the server's reply to it.
    await fake.waitFor(() => client.state.status === 'connected', 5_000, 'the client connected on the third game');
    expect(calls(fake, '/v2/app/start')).toHaveLength(3);
  });

  it('keeps the connection through malformed packets', async () => {
    const { fake, client, events, packetErrors } = await setUp();
    await client.start();
    fake.pushRaw(frame(5, Buffer.from('not zlib'), 2));
    fake.pushRaw(frame(5, '{"cmd":'));
    fake.push([{ cmd: 'LIVE_OPEN_PLATFORM_DM', data: { msg: 'no open id' } }, bodies.openDanmaku({ msg: '还在' })], 'zlib');
    await fake.waitFor(() => events.length >= 1, 5_000, 'the valid danmaku');
    expect(packetErrors.map((e) => e.reason)).toEqual(['bad-compression', 'invalid-json', 'bad-command']);
    expect(events[0]).toMatchObject({ type: 'danmaku', text: '还在' });
    expect(fake.liveConnections).toHaveLength(1);
  });

  it('stops with an actionable error for a wrong 身份码 and warns (without the secret) when the signature is refused', async () => {
    const malformed = await setUp({ authCode: 'not-a-code' });
    await malformed.client.start();
    expect((malformed.client.state as { error?: Error }).error?.message).toMatch(/BILIBILI_AUTH_CODE/);
    expect(calls(malformed.fake, '/v2/app/start')).toHaveLength(0);

    const wrong = await setUp({ authCode: 'ZZZZZZ999999' });
    await wrong.client.start();
    expect((wrong.client.state as { error?: Error }).error?.message).toMatch(/7007/);

    const badKey = await setUp({ accessKeySecret: 'wrong-secret' });
    void badKey.client.start();
    await badKey.fake.waitFor(() => badKey.warnings.length >= 1, 5_000, 'a warning');
    expect(calls(badKey.fake, '/v2/app/start')[0]!.problem).toBe('signature mismatch');
    expect(badKey.warnings[0]!.message).not.toContain('wrong-secret');
    expect(badKey.client.state.status).not.toBe('connected');
  });
});
