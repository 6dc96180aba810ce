/** The state the fake Discord serves: users, one or more guilds with channels, roles, members and voice states. */

export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly globalName?: string;
  readonly bot?: boolean;
}

export interface FakeRole {
  readonly id: string;
  readonly name: string;
  /** Permission bit set as a decimal string, like Discord sends it. */
  readonly permissions: string;
}

export interface FakeChannel {
  readonly id: string;
  readonly name: string;
  /** 0 text, 2 voice. */
  readonly type: 0 | 2;
  /** Permission overwrites (type 0 role, 1 member; bit sets as decimal strings). */
  overwrites?: { readonly id: string; readonly type: 0 | 1; readonly allow: string; readonly deny: string }[];
}

export interface FakeMember {
  readonly user: FakeUser;
  nick?: string;
  roles: string[];
}

export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly channels: FakeChannel[];
  readonly roles: FakeRole[];
  readonly members: FakeMember[];
  /** userId → voice channel id. */
  readonly voiceStates: Map<string, string>;
}

const DISCORD_EPOCH = 1_420_070_400_000n;
let counter = 0n;
/** Real snowflakes (creation time in the top bits, as discord.js reads it), increasing, unique within the process. */
export function snowflake(): string {
  counter = (counter + 1n) & 0x3fffffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | counter).toString();
}

export const Permission = {
  Administrator: 1n << 3n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
} as const;

export const EVERYONE_PERMISSIONS = Permission.ViewChannel | Permission.SendMessages | Permission.Connect | Permission.Speak;
const ALL_PERMISSIONS = (1n << 50n) - 1n;

export function userJson(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName ?? null,
    avatar: null,
    bot: user.bot === true,
  };
}

export function memberJson(member: FakeMember, withUser = true): Record<string, unknown> {
  return {
    ...(withUser ? { user: userJson(member.user) } : {}),
    nick: member.nick ?? null,
    roles: member.roles,
    joined_at: '2024-01-01T00:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0,
  };
}

export function memberPermissions(guild: FakeGuild, member: FakeMember): bigint {
  if (guild.ownerId === member.user.id) return ALL_PERMISSIONS;
  let bits = 0n;
  for (const role of guild.roles) if (role.id === guild.id || member.roles.includes(role.id)) bits |= BigInt(role.permissions);
  return (bits & Permission.Administrator) !== 0n ? ALL_PERMISSIONS : bits;
}

export function voiceStateJson(guild: FakeGuild, userId: string, channelId: string | null, sessionId: string): Record<string, unknown> {
  const member = guild.members.find((candidate) => candidate.user.id === userId);
  return {
    guild_id: guild.id,
    channel_id: channelId,
    user_id: userId,
    session_id: sessionId,
    deaf: false,
    mute: false,
    self_deaf: false,
    self_mute: false,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
    ...(member ? { member: memberJson(member) } : {}),
  };
}

export function channelJson(guild: FakeGuild, channel: FakeChannel, position: number): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    guild_id: guild.id,
    position,
    permission_overwrites: channel.overwrites ?? [],
    ...(channel.type === 2 ? { bitrate: 64_000, user_limit: 0, rtc_region: null } : { topic: null, nsfw: false, rate_limit_per_user: 0 }),
  };
}

export function guildCreateJson(guild: FakeGuild): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    owner_id: guild.ownerId,
    features: [],
    unavailable: false,
    member_count: guild.members.length,
    large: false,
    joined_at: '2024-01-01T00:00:00.000Z',
    roles: guild.roles.map((role, position) => ({ id: role.id, name: role.name, permissions: role.permissions, position, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 })),
    channels: guild.channels.map((channel, position) => channelJson(guild, channel, position)),
    members: guild.members.map((member) => memberJson(member)),
    voice_states: [...guild.voiceStates].map(([userId, channelId]) => {
      const { member: _member, ...state } = voiceStateJson(guild, userId, channelId, `session-${userId}`);
      return state;
    }),
    presences: [],
    emojis: [],
    stickers: [],
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
