import { afterEach, describe, expect, it } from 'vitest';
import { BilibiliApiError } from '../BilibiliApiError.ts';
import type { BilibiliEvent } from '../BilibiliEvent.ts';
import type { ConnectionCloseReason } from '../DanmakuConnection.ts';
import { isJsonObject } from '../jsonFields.ts';
import { OpenPlatformApi, type OpenPlatformApiOptions, type OpenPlatformGame } from '../OpenPlatformApi.ts';
import { parseOpenPlatformCommand } from '../OpenPlatformCommandParser.ts';
import type { PacketError } from '../PacketError.ts';
import { RoomClient, type RoomAttempt, type RoomClientEvents, type RoomClientOptions, type RoomClientState } from '../RoomClient.ts';
import type { ChorusError } from '../../../util/ChorusError.ts';
import { FakeBilibili } from '../../../../test/fakes/bilibili/FakeBilibili.ts';
import * as bodies from '../../../../test/fakes/bilibili/commandBodies.ts';

const credentials = { accessKeyId: 'test-access-key', accessKeySecret: 'test-secret', appId: 1650000000, authCode: 'ABCDEF1234567' };

type TestRouteState = { readonly status: 'preparing' } | { readonly status: 'connecting'; readonly url: string } | { readonly status: 'connected'; readonly since: number };
type TestState = RoomClientState<TestRouteState>;

/**
 * The smallest real route: one Open Platform game (started through the real API client against the fake), kept for
 * every attempt, and no warnings of its own. `prepareFailures` makes the next preparations fail with a plain Error;
 * a `TEST_PARSER_BUG` command makes the parser throw one.
 */
class TestRoomClient extends RoomClient<RoomClientEvents<TestState>, OpenPlatformGame, TestRouteState> {
  readonly #api: OpenPlatformApi;
  readonly #authCode: string;
  #game: OpenPlatformGame | undefined;
  prepareFailures = 0;
  readonly closeReasons: ConnectionCloseReason[] = [];
  readonly endedGames: string[] = [];

  constructor(options: RoomClientOptions & OpenPlatformApiOptions & { authCode: string }) {
    super(options);
    this.#api = new OpenPlatformApi(options);
    this.#authCode = options.authCode;
  }

  protected override async prepare(signal: AbortSignal): Promise<RoomAttempt<OpenPlatformGame>> {
    this.enter({ status: 'preparing' });
    if (this.prepareFailures > 0) {
      this.prepareFailures--;
      throw new Error('the bootstrap hiccuped');
    }
    this.#game ??= await this.#api.start(this.#authCode, signal);
    return { url: this.#game.wssLinks[0]!, authBody: this.#game.authBody, target: this.#game };
  }

  protected override explainPrepareError(error: unknown): ChorusError {
    return new BilibiliApiError('test-prepare', (error as Error).message, { retryable: true, cause: error });
  }

  protected override connecting(_game: OpenPlatformGame, url: string): TestRouteState {
    return { status: 'connecting', url };
  }

  protected override connected(_game: OpenPlatformGame, since: number): Extract<TestRouteState, { status: 'connected' }> {
    return { status: 'connected', since };
  }

  protected override parse(body: unknown, receivedAt: number, game: OpenPlatformGame): readonly BilibiliEvent[] {
    if (isJsonObject(body) && body['cmd'] === 'TEST_PARSER_BUG') throw new TypeError('a parser bug');
    return parseOpenPlatformCommand(body, { roomId: game.anchor.roomId, receivedAt });
  }

  protected override afterClose(reason: ConnectionCloseReason): 'back-off' {
    this.closeReasons.push(reason);
    return 'back-off';
  }

  protected override async release(): Promise<void> {
    if (this.#game === undefined) return;
    await this.#api.end(this.#game.gameId, AbortSignal.timeout(2_000));
    this.endedGames.push(this.#game.gameId);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(options: Partial<RoomClientOptions & { authCode: string }> = {}) {
  const fake = await FakeBilibili.start({ openPlatform: credentials });
  const client = new TestRoomClient({ ...credentials, apiBase: fake.baseUrl, backoff: { initialDelayMs: 20, multiplier: 2, maxDelayMs: 1_000, jitterMs: 0 }, ...options });
  const events: BilibiliEvent[] = [];
  const packetErrors: PacketError[] = [];
  const warnings: ChorusError[] = [];
  const states: TestState[] = [];
  client.on('event', (event) => events.push(event));
  client.on('packetError', (error) => packetErrors.push(error));
  client.on('warning', (error) => warnings.push(error));
  client.on('stateChange', (_old, next) => states.push(next));
  cleanups.push(async () => {
    await client.close();
    await fake.close();
  });
  const waits = (): number[] => states.flatMap((state) => (state.status === 'waiting' ? [state.delayMs] : []));
  return { fake, client, events, packetErrors, warnings, states, waits };
}

describe('RoomClient (the connection loop both routes share) against the fake Bilibili', () => {
  it('backs off longer after each failure in a row, whether preparing or connecting, and starts over once a connection opens', async () => {
    const { fake, client, warnings, states, waits } = await setUp();
    client.prepareFailures = 2;
    fake.refuseAuthCount = 2;
    await client.start();
    expect(client.state.status).toBe('connected');
    expect(waits()).toEqual([20, 40, 80, 160]);
    // Preparation failures are the loop's warnings; connection failures are the route's business (this one is silent).
    expect(warnings.map((w) => w.message)).toEqual(['the bootstrap hiccuped', 'the bootstrap hiccuped']);
    expect(client.closeReasons.map((r) => r.kind)).toEqual(['auth-refused', 'auth-refused']);

    const first = fake.liveConnections[0]!;
    fake.dropConnections();
    await fake.waitFor(() => fake.liveConnections.find((c) => c.id !== first.id), 5_000, 'a reconnection');
    expect(waits()).toEqual([20, 40, 80, 160, 20]);
    // The fake sees the auth packet before the client has read the server's reply to it.
    await fake.waitFor(() => states.at(-1)!.status === 'connected', 5_000, 'the client connected again');
    expect(calls(fake, '/v2/app/start')).toHaveLength(1);
  });

  it('stops at once when closed during a backoff wait, without another attempt, and lets the route release', async () => {
    const { fake, client, states } = await setUp({ backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitterMs: 0 } });
    await client.start();
    fake.dropConnections();
    await fake.waitFor(() => client.state.status === 'waiting', 5_000, 'the backoff wait');
    expect(client.state).toMatchObject({ status: 'waiting', delayMs: 60_000 });
    const attempts = fake.connections.length;
    const startedAt = Date.now();
    await client.close();
    // Far below the 60 s wait: close() cancelled it rather than sitting it out.
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(client.state).toEqual({ status: 'closed' });
    expect(states.slice(-2).map((s) => s.status)).toEqual(['waiting', 'closed']);
    expect(client.endedGames).toEqual([fake.games[0]!.gameId]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.connections).toHaveLength(attempts);
  });

  it('reports a command the parser throws on as a packet error and keeps reading the same connection', async () => {
    const { fake, client, events, packetErrors } = await setUp();
    await client.start();
    const connection = fake.liveConnections[0]!;
    fake.push([{ cmd: 'TEST_PARSER_BUG', data: {} }, bodies.openDanmaku({ msg: '同一包里的' })], 'zlib');
    fake.push([bodies.openDanmaku({ msg: '下一包的' })], 'zlib');
    await fake.waitFor(() => events.length >= 2, 5_000, 'both danmaku');
    expect(packetErrors).toHaveLength(1);
    expect(packetErrors[0]!.reason).toBe('bad-command');
    expect(packetErrors[0]!.message).toContain('a parser bug');
    expect(packetErrors[0]!.cause).toBeInstanceOf(TypeError);
    expect(events.map((e) => (e as { text?: string }).text)).toEqual(['同一包里的', '下一包的']);
    expect(client.state.status).toBe('connected');
    expect(client.closeReasons).toEqual([]);
    expect(fake.liveConnections.map((c) => c.id)).toEqual([connection.id]);
  });

  it('stops with the error when preparing fails in a way retrying cannot fix', async () => {
    const { fake, client, states, warnings } = await setUp({ authCode: 'ZZZZZZ999999' });
    await client.start();
    expect(client.state).toMatchObject({ status: 'closed', error: { code: 'bilibili-api' } });
    expect((client.state as { error: Error }).error.message).toMatch(/7007/);
    expect(states.map((s) => s.status)).toEqual(['preparing', 'closed']);
    expect(warnings).toEqual([]);
    expect(fake.connections).toEqual([]);
  });
});

const calls = (fake: FakeBilibili, path: string) => fake.openPlatformCalls.filter((call) => call.path === path);
