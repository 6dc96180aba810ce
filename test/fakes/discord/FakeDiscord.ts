import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { FakeVoiceServer } from './FakeVoiceServer.ts';
import {
  channelJson,
  EVERYONE_PERMISSIONS,
  guildCreateJson,
  memberJson,
  memberPermissions,
  snowflake,
  userJson,
  voiceStateJson,
  type FakeChannel,
  type FakeGuild,
  type FakeMember,
  type FakeUser,
} from './FakeDiscordModel.ts';
import { parseMultipart, type FormPart } from './multipart.ts';
import { createSelfSignedCertificate, trustCertificate } from './selfSignedCertificate.ts';

export * from './FakeDiscordModel.ts';

/** Everything the bot did in answer to one interaction, with performance.now() timestamps. */
export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly dispatchedAt: number;
  /** Initial responses: type 4 message, 5 deferred, 6 deferred update, 7 update, 9 modal. */
  readonly callbacks: { readonly type: number; readonly data: Record<string, unknown> | undefined; readonly at: number; readonly status: number }[];
  /** PATCH @original bodies (the latest is what the user sees). */
  readonly edits: { readonly body: Record<string, unknown>; readonly files: FormPart[]; readonly at: number }[];
  readonly followups: { readonly body: Record<string, unknown>; readonly files: FormPart[]; readonly at: number }[];
}

export interface RestCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly at: number;
}

export interface InteractionOptions {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  /** Chat input command name (type 2) … */
  readonly command?: string;
  readonly options?: readonly Record<string, unknown>[];
  readonly resolved?: Record<string, unknown>;
  /** … or a button press (type 3). */
  readonly customId?: string;
  /** Overrides the member's computed permissions (decimal string). */
  readonly permissions?: string;
}

export interface MessageOptions {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly content: string;
  readonly mentions?: readonly string[];
  readonly attachments?: readonly { readonly filename: string; readonly contentType?: string; readonly size?: number }[];
}

interface GatewaySession {
  readonly id: string;
  socket: ServerSocket | undefined;
  intents: number;
  seq: number;
  /** Every dispatch, for replay on RESUME. */
  readonly events: { readonly s: number; readonly t: string; readonly d: unknown }[];
}

const INTERACTION_TIMEOUT_MS = 3000;
const MESSAGE_CONTENT_INTENT = 1 << 15;

/**
 * A fake Discord on 127.0.0.1 that the real discord.js and @discordjs/voice talk to: REST (`/api/v10`), the main
 * gateway (HELLO, IDENTIFY→READY+GUILD_CREATE, heartbeats, RESUME, dispatches), interaction callbacks and webhooks
 * (recorded with timestamps; late or repeated initial responses fail like Discord's), a CDN for attachments, and a
 * voice server (TLS voice gateway v8 + UDP with AES-GCM). Test controls inject events and failures.
 */
export class FakeDiscord {
  readonly application: FakeUser;
  readonly token: string;
  readonly guilds: FakeGuild[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly restCalls: RestCall[] = [];
  readonly commandDeploys: { readonly path: string; readonly body: unknown }[] = [];
  readonly channelMessages: { readonly channelId: string; readonly body: Record<string, unknown>; readonly at: number }[] = [];
  /** Main-gateway op 4 payloads the bot sent (joins, moves, leaves). */
  readonly voiceStateRequests: { readonly guild_id: string; readonly channel_id: string | null; readonly at: number }[] = [];
  readonly identifies: Record<string, unknown>[] = [];
  readonly resumes: Record<string, unknown>[] = [];
  readonly voice: FakeVoiceServer;
  readonly #http: Server;
  readonly #gateway: WebSocketServer;
  readonly #cdn = new Map<string, { readonly bytes: Buffer; readonly contentType: string }>();
  readonly #sessions = new Map<string, GatewaySession>();
  #current: GatewaySession | undefined;

  private constructor(http: Server, gateway: WebSocketServer, voice: FakeVoiceServer) {
    this.#http = http;
    this.#gateway = gateway;
    this.voice = voice;
    this.token = `${Buffer.from(snowflake()).toString('base64url')}.fakeXY.${randomBytes(20).toString('base64url')}`;
    this.application = { id: snowflake(), username: 'Chorus', bot: true };
    this.users.set(this.application.id, this.application);
    http.on('request', (request, response) => void this.#onRequest(request, response));
    gateway.on('connection', (socket) => this.#onGatewayConnection(socket));
  }

  /** Starts every server and makes this process trust the voice server's certificate. */
  static async start(): Promise<FakeDiscord> {
    const certificate = await createSelfSignedCertificate();
    trustCertificate(certificate.cert);
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const gateway = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => gateway.once('listening', resolve));
    const voice = await FakeVoiceServer.start({ certificate });
    return new FakeDiscord(http, gateway, voice);
  }

  /** The value for DISCORD_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}/api`;
  }

  get cdnHost(): string {
    return `127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${(this.#gateway.address() as AddressInfo).port}`;
  }

  /** Whether a bot is connected and identified (or resumed). */
  get connected(): boolean {
    return this.#current?.socket?.readyState === 1;
  }

  addUser(username: string, options: { readonly bot?: boolean; readonly globalName?: string } = {}): FakeUser {
    const user: FakeUser = { id: snowflake(), username, ...options };
    this.users.set(user.id, user);
    return user;
  }

  /** A guild with one text and one voice channel, the bot as a member, and `owner` as its owner. Call before the bot starts. */
  addGuild(name: string, owner: FakeUser): FakeGuild {
    const id = snowflake();
    const guild: FakeGuild = {
      id,
      name,
      ownerId: owner.id,
      channels: [
        { id: snowflake(), name: 'general', type: 0 },
        { id: snowflake(), name: 'Voice', type: 2 },
      ],
      roles: [{ id, name: '@everyone', permissions: EVERYONE_PERMISSIONS.toString() }],
      members: [{ user: this.application, roles: [] }, { user: owner, roles: [] }],
      voiceStates: new Map(),
    };
    this.guilds.push(guild);
    return guild;
  }

  addMember(guild: FakeGuild, user: FakeUser, options: { readonly nick?: string; readonly roles?: string[] } = {}): FakeMember {
    const member: FakeMember = { user, roles: options.roles ?? [], ...(options.nick === undefined ? {} : { nick: options.nick }) };
    guild.members.push(member);
    return member;
  }

  /** Adds a role; a connected bot sees GUILD_ROLE_CREATE (discord.js only counts a member's roles it knows). */
  addRole(guild: FakeGuild, name: string, permissions: bigint): string {
    const id = snowflake();
    guild.roles.push({ id, name, permissions: permissions.toString() });
    this.dispatch('GUILD_ROLE_CREATE', {
      guild_id: guild.id,
      role: { id, name, permissions: permissions.toString(), position: guild.roles.length - 1, color: 0, hoist: false, managed: false, mentionable: true, flags: 0 },
    });
    return id;
  }

  /** A moderator disconnects the bot from voice: its voice state loses the channel and the voice socket closes with 4014. */
  kickBot(guild: FakeGuild): void {
    guild.voiceStates.delete(this.application.id);
    this.dispatch('VOICE_STATE_UPDATE', voiceStateJson(guild, this.application.id, null, 'bot-voice-session'));
    this.voice.closeSessions(4014);
  }

  /** A moderator drags the bot to `channelId`. Discord closes the voice socket with 4014 and announces the new
   * voice server after the new channel; when the voice server stays the same (`sameServer`), only the channel. */
  moveBot(guild: FakeGuild, channelId: string, options: { readonly sameServer?: boolean } = {}): void {
    if (options.sameServer !== true) this.voice.closeSessions(4014);
    guild.voiceStates.set(this.application.id, channelId);
    this.dispatch('VOICE_STATE_UPDATE', voiceStateJson(guild, this.application.id, channelId, 'bot-voice-session'));
    if (options.sameServer !== true) {
      this.dispatch('VOICE_SERVER_UPDATE', { token: `voice-${randomBytes(6).toString('hex')}`, guild_id: guild.id, endpoint: this.voice.endpoint });
    }
  }

  /** Adds a channel; a connected bot sees CHANNEL_CREATE. */
  addChannel(guild: FakeGuild, name: string, type: 0 | 2): FakeChannel {
    const channel: FakeChannel = { id: snowflake(), name, type };
    guild.channels.push(channel);
    this.dispatch('CHANNEL_CREATE', channelJson(guild, channel, guild.channels.length - 1));
    return channel;
  }

  /** Denies `deny` to the bot in `channel` (a member permission overwrite); a connected bot sees CHANNEL_UPDATE. */
  denyBot(guild: FakeGuild, channel: FakeChannel, deny: bigint): void {
    channel.overwrites = [{ id: this.application.id, type: 1, allow: '0', deny: deny.toString() }];
    this.dispatch('CHANNEL_UPDATE', channelJson(guild, channel, guild.channels.indexOf(channel)));
  }

  textChannel(guild: FakeGuild): FakeChannel {
    return guild.channels.find((channel) => channel.type === 0) as FakeChannel;
  }

  voiceChannel(guild: FakeGuild): FakeChannel {
    return guild.channels.find((channel) => channel.type === 2) as FakeChannel;
  }

  /** Serves `bytes` from the fake CDN; returns the attachment URL (signed-looking, like Discord's). */
  putAttachment(filename: string, bytes: Buffer, contentType = 'application/octet-stream'): string {
    const path = `/ephemeral-attachments/${snowflake()}/${snowflake()}/${encodeURIComponent(filename)}`;
    this.#cdn.set(path, { bytes, contentType });
    return `http://${this.cdnHost}${path}?ex=ffffffff&is=00000000&hm=${randomBytes(8).toString('hex')}`;
  }

  /** A user joins (or, with null, leaves) a voice channel; the bot sees VOICE_STATE_UPDATE. */
  setUserVoice(guild: FakeGuild, userId: string, channelId: string | null): void {
    if (channelId === null) guild.voiceStates.delete(userId);
    else guild.voiceStates.set(userId, channelId);
    this.dispatch('VOICE_STATE_UPDATE', voiceStateJson(guild, userId, channelId, `session-${userId}`));
  }

  /** Sends INTERACTION_CREATE; returns its record, which fills in as the bot answers. */
  interact(options: InteractionOptions): InteractionRecord {
    const guild = this.#guild(options.guildId);
    const member = guild.members.find((candidate) => candidate.user.id === options.userId);
    if (member === undefined) throw new Error(`user ${options.userId} is not a member of ${guild.name}`);
    const channel = guild.channels.find((candidate) => candidate.id === options.channelId);
    const record: InteractionRecord = { id: snowflake(), token: `itoken-${randomBytes(12).toString('hex')}`, dispatchedAt: 0, callbacks: [], edits: [], followups: [] };
    const isButton = options.customId !== undefined;
    const payload = {
      id: record.id,
      application_id: this.application.id,
      type: isButton ? 3 : 2,
      token: record.token,
      version: 1,
      guild_id: guild.id,
      channel_id: options.channelId,
      channel: { id: options.channelId, type: channel?.type ?? 0, guild_id: guild.id, name: channel?.name ?? 'general' },
      member: { ...memberJson(member), permissions: options.permissions ?? memberPermissions(guild, member).toString() },
      app_permissions: memberPermissions(guild, guild.members[0] as FakeMember).toString(),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { 0: guild.id },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
      data: isButton
        ? { custom_id: options.customId, component_type: 2 }
        : { id: snowflake(), name: options.command, type: 1, options: options.options ?? [], resolved: { ...this.#resolve(guild, options.options ?? []), ...options.resolved } },
      ...(isButton
        ? { message: { ...this.#messageJson(options.channelId, this.application, 'button message'), interaction_metadata: null } }
        : {}),
    };
    this.interactions.set(record.token, record);
    Object.assign(record, { dispatchedAt: performance.now() });
    this.dispatch('INTERACTION_CREATE', payload);
    return record;
  }

  /** An attachment option value plus its `resolved` entry, as Discord sends an upload. */
  attachmentOption(name: string, url: string, filename: string, size: number, contentType?: string): { option: Record<string, unknown>; resolved: Record<string, unknown> } {
    const id = snowflake();
    return {
      option: { name, type: 11, value: id },
      resolved: { attachments: { [id]: { id, filename, size, url, proxy_url: url, ephemeral: true, ...(contentType ? { content_type: contentType } : {}) } } },
    };
  }

  /** Sends MESSAGE_CREATE (content is blanked unless the bot asked for MESSAGE_CONTENT, as Discord does). */
  message(options: MessageOptions): string {
    const guild = this.#guild(options.guildId);
    const member = guild.members.find((candidate) => candidate.user.id === options.userId);
    const author = member?.user ?? this.users.get(options.userId);
    if (author === undefined) throw new Error(`unknown user ${options.userId}`);
    const json = this.#messageJson(options.channelId, author, options.content);
    const mentions = (options.mentions ?? []).map((id) => {
      const mentioned = guild.members.find((candidate) => candidate.user.id === id);
      return mentioned ? { ...userJson(mentioned.user), member: memberJson(mentioned, false) } : undefined;
    }).filter((value) => value !== undefined);
    const canRead = ((this.#current?.intents ?? 0) & MESSAGE_CONTENT_INTENT) !== 0;
    this.dispatch('MESSAGE_CREATE', {
      ...json,
      guild_id: guild.id,
      content: canRead ? options.content : '',
      ...(member ? { member: memberJson(member, false) } : {}),
      mentions,
      attachments: (options.attachments ?? []).map((attachment) => ({
        id: snowflake(),
        filename: attachment.filename,
        size: attachment.size ?? 1000,
        url: `http://${this.cdnHost}/attachments/${attachment.filename}`,
        proxy_url: `http://${this.cdnHost}/attachments/${attachment.filename}`,
        ...(attachment.contentType ? { content_type: attachment.contentType } : {}),
      })),
    });
    return json.id as string;
  }

  /** Sends a dispatch to the connected bot (and keeps it for RESUME). */
  dispatch(t: string, d: unknown): void {
    const session = this.#current;
    if (session === undefined) return;
    session.seq += 1;
    const event = { s: session.seq, t, d };
    session.events.push(event);
    if (session.socket?.readyState === 1) session.socket.send(JSON.stringify({ op: 0, ...event }));
  }

  /** Drops the gateway connection without a close frame, as a network failure would (the bot should RESUME). */
  dropGateway(): void {
    this.#current?.socket?.terminate();
  }

  /** Resolves when `predicate` holds, polling every 5 ms; rejects after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value !== undefined && value !== false) return value;
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    for (const client of this.#gateway.clients) client.terminate();
    await new Promise<void>((resolve) => this.#gateway.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.voice.close();
  }

  #guild(id: string): FakeGuild {
    const guild = this.guilds.find((candidate) => candidate.id === id);
    if (guild === undefined) throw new Error(`unknown guild ${id}`);
    return guild;
  }

  /** `resolved` users, members and roles for user (6), role (8) and mentionable (9) options, as Discord adds them. */
  #resolve(guild: FakeGuild, options: readonly Record<string, unknown>[]): Record<string, Record<string, unknown>> {
    const resolved: Record<string, Record<string, unknown>> = { users: {}, members: {}, roles: {} };
    const visit = (list: readonly Record<string, unknown>[]): void => {
      for (const option of list) {
        if (Array.isArray(option.options)) visit(option.options as Record<string, unknown>[]);
        if (![6, 8, 9].includes(Number(option.type))) continue;
        const id = String(option.value);
        const member = guild.members.find((candidate) => candidate.user.id === id);
        const role = guild.roles.find((candidate) => candidate.id === id);
        if (member !== undefined) {
          (resolved.users as Record<string, unknown>)[id] = userJson(member.user);
          (resolved.members as Record<string, unknown>)[id] = { ...memberJson(member, false), permissions: memberPermissions(guild, member).toString() };
        } else if (role !== undefined) {
          (resolved.roles as Record<string, unknown>)[id] = { id: role.id, name: role.name, permissions: role.permissions, position: 1, color: 0, hoist: false, managed: false, mentionable: true, flags: 0 };
        }
      }
    };
    visit(options);
    return resolved;
  }

  #messageJson(channelId: string, author: FakeUser, content: string): Record<string, unknown> {
    return {
      id: snowflake(),
      channel_id: channelId,
      author: userJson(author),
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: 0,
      flags: 0,
    };
  }

  // ── main gateway ──────────────────────────────────────────────────────────

  #onGatewayConnection(socket: ServerSocket): void {
    const send = (payload: unknown): void => {
      if (socket.readyState === 1) socket.send(JSON.stringify(payload));
    };
    send({ op: 10, d: { heartbeat_interval: 41_250 } });
    socket.on('message', (raw) => {
      const packet = JSON.parse(raw.toString()) as { op: number; d: Record<string, unknown> | number | null };
      switch (packet.op) {
        case 1:
          send({ op: 11 });
          break;
        case 2:
          this.#identify(socket, packet.d as Record<string, unknown>);
          break;
        case 6:
          this.#resume(socket, packet.d as Record<string, unknown>);
          break;
        case 4:
          this.#voiceStateRequest(packet.d as { guild_id: string; channel_id: string | null });
          break;
        default:
          break;
      }
    });
  }

  #identify(socket: ServerSocket, d: Record<string, unknown>): void {
    this.identifies.push(d);
    if (d.token !== this.token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    const session: GatewaySession = { id: randomBytes(8).toString('hex'), socket, intents: Number(d.intents), seq: 0, events: [] };
    this.#sessions.set(session.id, session);
    this.#current = session;
    this.dispatch('READY', {
      v: 10,
      user: { ...userJson(this.application), bot: true },
      guilds: this.guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: this.application.id, flags: 0 },
    });
    for (const guild of this.guilds) this.dispatch('GUILD_CREATE', guildCreateJson(guild));
  }

  #resume(socket: ServerSocket, d: Record<string, unknown>): void {
    this.resumes.push(d);
    const session = this.#sessions.get(String(d.session_id));
    if (session === undefined || d.token !== this.token) {
      socket.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    session.socket = socket;
    this.#current = session;
    const since = Number(d.seq);
    for (const event of session.events) if (event.s > since) socket.send(JSON.stringify({ op: 0, ...event }));
    this.dispatch('RESUMED', {});
  }

  #voiceStateRequest(d: { guild_id: string; channel_id: string | null }): void {
    this.voiceStateRequests.push({ ...d, at: performance.now() });
    const guild = this.guilds.find((candidate) => candidate.id === d.guild_id);
    if (guild === undefined) return;
    const botId = this.application.id;
    if (d.channel_id === null) guild.voiceStates.delete(botId);
    else guild.voiceStates.set(botId, d.channel_id);
    this.dispatch('VOICE_STATE_UPDATE', voiceStateJson(guild, botId, d.channel_id, 'bot-voice-session'));
    if (d.channel_id !== null) {
      this.dispatch('VOICE_SERVER_UPDATE', { token: `voice-${randomBytes(6).toString('hex')}`, guild_id: guild.id, endpoint: this.voice.endpoint });
    }
  }

  // ── REST and CDN ──────────────────────────────────────────────────────────

  async #onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const method = request.method ?? 'GET';
    const contentType = request.headers['content-type'] ?? '';
    let body: Record<string, unknown> = {};
    let files: FormPart[] = [];
    if (contentType.startsWith('multipart/form-data')) {
      const parts = parseMultipart(raw, contentType);
      const json = parts.find((part) => part.name === 'payload_json');
      body = json ? (JSON.parse(json.body.toString('utf8')) as Record<string, unknown>) : {};
      files = parts.filter((part) => part.filename !== undefined);
    } else if (raw.length > 0 && contentType.includes('json')) {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    }
    const at = performance.now();
    this.restCalls.push({ method, path, body, at });
    const json = (status: number, value: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };

    const cdn = this.#cdn.get(path);
    if (method === 'GET' && cdn !== undefined) {
      response.writeHead(200, { 'content-type': cdn.contentType, 'content-length': cdn.bytes.length });
      response.end(cdn.bytes);
      return;
    }
    if (!path.startsWith('/api/v10/')) return json(404, { message: '404: Not Found', code: 0 });
    const route = path.slice('/api/v10'.length);
    const parts = route.split('/').filter((part) => part !== '');
    const authorised = request.headers.authorization === `Bot ${this.token}`;

    if (method === 'GET' && route === '/gateway/bot') {
      if (!authorised) return json(401, { message: '401: Unauthorized', code: 0 });
      return json(200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === 'PUT' && parts[0] === 'applications' && parts.at(-1) === 'commands') {
      if (!authorised) return json(401, { message: '401: Unauthorized', code: 0 });
      this.commandDeploys.push({ path: route, body });
      const list = Array.isArray(body) ? body : [];
      return json(200, list.map((command: Record<string, unknown>) => ({ ...command, id: snowflake(), application_id: this.application.id, version: snowflake() })));
    }
    if (method === 'POST' && parts[0] === 'interactions' && parts[3] === 'callback') {
      const record = this.interactions.get(parts[2] ?? '');
      if (record === undefined || record.id !== parts[1]) return json(404, { message: 'Unknown interaction', code: 10062 });
      if (at - record.dispatchedAt > INTERACTION_TIMEOUT_MS) {
        record.callbacks.push({ type: Number(body.type), data: body.data as Record<string, unknown> | undefined, at, status: 404 });
        return json(404, { message: 'Unknown interaction', code: 10062 });
      }
      if (record.callbacks.some((callback) => callback.status === 204)) {
        return json(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      }
      record.callbacks.push({ type: Number(body.type), data: body.data as Record<string, unknown> | undefined, at, status: 204 });
      response.writeHead(204).end();
      return;
    }
    if (parts[0] === 'webhooks' && parts[1] === this.application.id) {
      const record = this.interactions.get(parts[2] ?? '');
      if (record === undefined) return json(404, { message: 'Unknown Webhook', code: 10015 });
      const message = { ...this.#messageJson('0', this.application, String(body.content ?? '')), webhook_id: this.application.id, ...body };
      if (method === 'PATCH' && parts[3] === 'messages' && parts[4] === '@original') {
        record.edits.push({ body, files, at });
        return json(200, message);
      }
      if (method === 'POST' && parts.length === 3) {
        record.followups.push({ body, files, at });
        return json(200, message);
      }
    }
    if (method === 'POST' && parts[0] === 'channels' && parts[2] === 'messages') {
      if (!authorised) return json(401, { message: '401: Unauthorized', code: 0 });
      this.channelMessages.push({ channelId: parts[1] ?? '', body, at });
      return json(200, { ...this.#messageJson(parts[1] ?? '', this.application, String(body.content ?? '')), ...body });
    }
    return json(404, { message: `fake Discord has no route ${method} ${route}`, code: 0 });
  }
}
