import { afterEach, describe, expect, it } from 'vitest';
import type { BilibiliEvent } from '../BilibiliEvent.ts';
import { DanmakuClient, type DanmakuClientOptions, type DanmakuClientState } from '../DanmakuClient.ts';
import type { PacketError } from '../PacketError.ts';
import type { ChorusError } from '../../../util/ChorusError.ts';
import { FakeBilibili } from '../../../../test/fakes/bilibili/FakeBilibili.ts';
import { bundle, frame } from '../../../../test/fakes/bilibili/fakeFraming.ts';
import * as bodies from '../../../../test/fakes/bilibili/commandBodies.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(options: Partial<DanmakuClientOptions> = {}, fakeOptions: Parameters<typeof FakeBilibili.start>[0] = {}) {
  const fake = await FakeBilibili.start(fakeOptions);
  const client = new DanmakuClient({
    roomId: fake.shortRoomId,
    liveApiBase: fake.baseUrl,
    mainApiBase: fake.baseUrl,
    scheme: 'ws',
    backoff: { initialDelayMs: 20, maxDelayMs: 200, jitterMs: 10 },
    heartbeatIntervalMs: 1_000,
    ...options,
  });
  const events: BilibiliEvent[] = [];
  const packetErrors: PacketError[] = [];
  const warnings: ChorusError[] = [];
  const states: DanmakuClientState['status'][] = [];
  client.on('event', (event) => events.push(event));
  client.on('packetError', (error) => packetErrors.push(error));
  client.on('warning', (error) => warnings.push(error));
  client.on('stateChange', (_old, next) => states.push(next.status));
  cleanups.push(async () => {
    await client.close();
    await fake.close();
  });
  return { fake, client, events, packetErrors, warnings, states };
}

describe('DanmakuClient against the fake Bilibili', () => {
  it('resolves the short room id, fetches a WBI-signed token and authenticates as the docs say', async () => {
    const { fake, client } = await setUp();
    await client.start();
    expect(client.state.status).toBe('connected');
    const [connection] = fake.liveConnections;
    expect(fake.requestsTo('/room/v1/Room/get_info')[0]!.query.get('room_id')).toBe(String(fake.shortRoomId));
    const tokenRequest = fake.requestsTo('/xlive/web-room/v1/index/getDanmuInfo')[0]!;
    expect(tokenRequest.query.get('id')).toBe(String(fake.roomId));
    expect(tokenRequest.query.get('w_rid')).toMatch(/^[0-9a-f]{32}$/);
    expect(connection!.auth).toEqual({ uid: 0, roomid: fake.roomId, protover: 3, buvid: fake.buvid3, platform: 'web', type: 2, key: fake.tokens[0]!.token });
    // The token is bound to the User-Agent: the socket must present the same one.
    expect(connection!.headers['user-agent']).toBe(tokenRequest.headers['user-agent']);
    expect(connection!.headers['cookie']).toContain(`buvid3=${fake.buvid3}`);
  });

  it('authenticates with the logged-in uid and sends the cookie only as a header', async () => {
    const cookie = 'SESSDATA=s3cr3t-session; bili_jct=abc; DedeUserID=424242';
    const { fake, client, warnings } = await setUp({ cookie }, { sessdata: 's3cr3t-session', loggedInMid: 424242 });
    await client.start();
    const [connection] = fake.liveConnections;
    expect((connection!.auth as { uid: number }).uid).toBe(424242);
    expect(connection!.headers['cookie']).toContain('SESSDATA=s3cr3t-session');
    expect(fake.requestsTo('/x/web-interface/nav')[0]!.headers['cookie']).toContain('SESSDATA=s3cr3t-session');
    expect(JSON.stringify(warnings.map((w) => w.message))).not.toContain('s3cr3t');
  });

  it('stops with an actionable error when the cookie is not logged in, and for a room that does not exist', async () => {
    const stale = await setUp({ cookie: 'SESSDATA=zz-old-value-zz' }, { sessdata: 'current' });
    await stale.client.start();
    expect(stale.client.state).toMatchObject({ status: 'closed', error: { code: 'bilibili-api' } });
    expect((stale.client.state as { error: Error }).error.message).toMatch(/cookie is not logged in/);
    expect((stale.client.state as { error: Error }).error.message).not.toContain('zz-old-value-zz');

    const missing = await setUp({ roomId: 999 });
    await missing.client.start();
    expect((missing.client.state as { error: Error }).error.message).toMatch(/no live room 999.*BILIBILI_ROOM_ID/);
  });

  it.each(['brotli', 'zlib'] as const)('emits every command of %s bundles in order, across several bundles', async (compression) => {
    const { fake, client, events, packetErrors } = await setUp({ protocolVersion: compression === 'zlib' ? 2 : 3 });
    await client.start();
    fake.push([bodies.danmuMsg({ text: '一', idStr: 'd1' }), bodies.danmuMsg({ cmd: 'DANMU_MSG:4:0:2:2:2:0', text: '二', idStr: 'd2' }), bodies.sendGift({ tid: 'g1' })], compression);
    fake.push([bodies.superChat({ id: 5 }), bodies.guardBuy(), bodies.interactWordV2({ msgType: 2 }), bodies.onlineRankCount()], compression);
    await fake.waitFor(() => events.length >= 7, 5_000, 'seven events');
    expect(events.map((e) => e.type)).toEqual(['danmaku', 'danmaku', 'gift', 'superChat', 'guard', 'interact', 'unknown']);
    expect(events.slice(0, 2).map((e) => (e as { text: string }).text)).toEqual(['一', '二']);
    expect(events.every((e) => e.roomId === fake.roomId && e.source === 'web')).toBe(true);
    expect(packetErrors).toEqual([]);
  });

  it('sends heartbeats on time', async () => {
    const interval = 100;
    const { fake, client } = await setUp({ heartbeatIntervalMs: interval });
    await client.start();
    const connection = fake.liveConnections[0]!;
    await fake.waitFor(() => connection.heartbeats.length >= 8, 5_000, 'eight heartbeats');
    const beats = connection.heartbeats.slice(0, 8);
    const gaps = beats.slice(1).map((t, i) => t - beats[i]!);
    // Fixed-grid scheduling: the whole run does not drift, and no single gap is far off.
    expect(beats[7]! - beats[0]!).toBeGreaterThan(7 * interval - 30);
    expect(beats[7]! - beats[0]!).toBeLessThan(7 * interval + 60);
    for (const gap of gaps) expect(gap).toBeGreaterThan(interval - 40);
    for (const gap of gaps) expect(gap).toBeLessThan(interval + 60);
  });

  it('reconnects to the next host after the server drops the socket, keeping the token', async () => {
    const { fake, client, events, warnings, states } = await setUp();
    await client.start();
    const first = fake.liveConnections[0]!;
    fake.dropConnections();
    const second = await fake.waitFor(() => fake.liveConnections.find((c) => c.id !== first.id), 5_000, 'a second connection');
    expect(second.hostIndex).toBe((first.hostIndex + 1) % fake.hostPorts.length);
    expect(fake.requestsTo('/xlive/web-room/v1/index/getDanmuInfo')).toHaveLength(1);
    expect(states).toContain('waiting');
    expect(warnings.some((w) => w.code === 'bilibili-disconnected')).toBe(true);
    fake.push([bodies.danmuMsg({ text: '重连后' })]);
    await fake.waitFor(() => events.some((e) => e.type === 'danmaku' && e.text === '重连后'), 5_000, 'an event after reconnecting');
  });

  it('treats a silent server as dead and reconnects', async () => {
    const { fake, client, warnings, events } = await setUp({ heartbeatIntervalMs: 1_000, receiveTimeoutMs: 150 });
    await client.start();
    const first = fake.liveConnections[0]!;
    fake.answerHeartbeats = false;
    await fake.waitFor(() => first.closed && fake.liveConnections.length === 1, 5_000, 'a reconnection after silence');
    expect(warnings.some((w) => w.message.includes('went silent'))).toBe(true);
    expect(client.session.tokenFetches).toBe(1);
    fake.push([bodies.danmuMsg({ text: '又能收到了' })]);
    await fake.waitFor(() => events.length === 1, 5_000, 'an event on the new connection');
  });

  it('fetches a new token after the server refuses auth', async () => {
    const { fake, client, warnings } = await setUp();
    fake.refuseAuthCount = 1;
    await client.start();
    expect(client.state.status).toBe('connected');
    expect(fake.requestsTo('/xlive/web-room/v1/index/getDanmuInfo')).toHaveLength(2);
    expect(fake.tokens).toHaveLength(2);
    expect((fake.liveConnections[0]!.auth as { key: string }).key).toBe(fake.tokens[1]!.token);
    expect(warnings.map((w) => w.code)).toContain('bilibili-auth');
  });

  it('fetches a new token when the server silently closes a socket with a revoked token', async () => {
    const { fake, client } = await setUp();
    await client.start();
    fake.revokeTokens();
    fake.dropConnections();
    await fake.waitFor(() => fake.liveConnections.length === 1 && fake.tokens.length >= 2, 5_000, 'reconnection with a new token');
    expect((fake.liveConnections[0]!.auth as { key: string }).key).toBe(fake.tokens.at(-1)!.token);
  });

  it('reports and skips malformed packets without losing the connection', async () => {
    const { fake, client, events, packetErrors } = await setUp();
    await client.start();
    const connection = fake.liveConnections[0]!;
    const wrongLength = frame(5, '{"cmd":"DANMU_MSG"}');
    wrongLength.writeUInt32BE(4_000, 0);
    fake.pushRaw(wrongLength);
    fake.pushRaw(frame(5, Buffer.from('garbage that is not brotli'), 3));
    fake.pushRaw(frame(5, '{"cmd":"DANMU_MSG", oops'));
    fake.pushRaw(Buffer.from([0xde, 0xad]));
    fake.push([{ cmd: 'DANMU_MSG', info: 'broken' }, bodies.danmuMsg({ text: '正常的' }), { cmd: 'BRAND_NEW_CMD', data: {} }], 'zlib');
    await fake.waitFor(() => events.some((e) => e.type === 'danmaku'), 5_000, 'the valid danmaku');
    expect(packetErrors.map((e) => e.reason)).toEqual(['truncated', 'bad-compression', 'invalid-json', 'truncated', 'bad-command']);
    expect(events.map((e) => e.type)).toEqual(['danmaku', 'unknown']);
    expect(events[1]!.cmd).toBe('BRAND_NEW_CMD');
    expect(client.state.status).toBe('connected');
    expect(fake.liveConnections.map((c) => c.id)).toEqual([connection.id]);
  });

  it('closes cleanly: socket closed, no reconnection, no more events', async () => {
    const { fake, client, events } = await setUp();
    await client.start();
    await client.close();
    expect(client.state.status).toBe('closed');
    await fake.waitFor(() => fake.connections.every((c) => c.closed), 2_000, 'the socket to close');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.connections).toHaveLength(1);
    expect(events).toEqual([]);
  });
});
