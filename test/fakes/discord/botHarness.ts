import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import discordOpus from '@discordjs/opus';
import { Chorus } from '../../../src/app/Chorus.ts';
import { loadConfig } from '../../../src/config/loadConfig.ts';
import { startDiscord, type RunningDiscord } from '../../../src/gateways/discord/startDiscord.ts';
import { UserRateLimiter } from '../../../src/gateways/discord/UserRateLimiter.ts';
import type { DiscordBotOptions } from '../../../src/gateways/discord/DiscordBot.ts';
import { createEngine } from '../../../src/app/createEngine.ts';
import { createLogger } from '../../../src/log/createLogger.ts';
import { RecordingEngine } from './RecordingEngine.ts';
import { FakeDiscord, type FakeGuild, type FakeUser, type InteractionRecord } from './FakeDiscord.ts';
import { OPUS_SILENCE, type ReceivedPacket } from './FakeVoiceServer.ts';

export interface BotHarness {
  readonly fake: FakeDiscord;
  readonly chorus: Chorus;
  /** The engine Chorus speaks with, keeping every synthesis it ran. */
  readonly engine: RecordingEngine;
  /** The running bot (a new one after restartDiscord()). */
  readonly discord: RunningDiscord;
  /** Stops the bot as a shutdown would and starts a new one on the same database and fake Discord. */
  restartDiscord(): Promise<void>;
  readonly guild: FakeGuild;
  readonly owner: FakeUser;
  readonly dir: string;
  /** Runs a slash command as `user` in the guild's text channel; resolves when the bot's reply (edit) arrives. */
  command(user: FakeUser, command: string, options?: readonly Record<string, unknown>[], extra?: { resolved?: Record<string, unknown>; permissions?: string }): Promise<InteractionRecord>;
  /** The content the user sees last for an interaction (the latest edit or follow-up). */
  close(): Promise<void>;
}

/** Starts a fake Discord with one guild (owner in the voice channel), Chorus with the given engine, and the bot. */
export async function startBotHarness(options: { readonly env?: Record<string, string>; readonly guilds?: number; readonly bot?: Partial<Pick<DiscordBotOptions, 'autoLeaveGraceMs' | 'maxRejoins' | 'limiter' | 'voiceMoveGraceMs'>> } = {}): Promise<BotHarness> {
  const fake = await FakeDiscord.start();
  const owner = fake.addUser('alice', { globalName: 'Alice' });
  const guild = fake.addGuild('Test Server', owner);
  guild.voiceStates.set(owner.id, fake.voiceChannel(guild).id);
  // More guilds, each with its own owner listening in its voice channel (for the many-guilds benchmark).
  for (let index = 1; index < (options.guilds ?? 1); index++) {
    const other = fake.addUser(`owner${index}`);
    const extra = fake.addGuild(`Server ${index}`, other);
    extra.voiceStates.set(other.id, fake.voiceChannel(extra).id);
  }
  const dir = await mkdtemp(join(tmpdir(), 'chorus-discord-'));
  const config = loadConfig({
    DATABASE_PATH: join(dir, 'chorus.sqlite'),
    VOICES_DIR: join(dir, 'voices'),
    OUT_DIR: join(dir, 'out'),
    LOG_LEVEL: process.env.CHORUS_TEST_LOG ?? 'silent',
    LOG_FORMAT: 'json',
    DISCORD_TOKEN: fake.token,
    DISCORD_CLIENT_ID: fake.application.id,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_ATTACHMENT_HOSTS: fake.cdnHost,
    ...options.env,
  }, dir);
  const logger = createLogger({ level: config.log.level, format: 'json', destination: process.stderr });
  const engine = new RecordingEngine(await createEngine(config));
  const chorus = await Chorus.start({ config, logger, engine });
  const start = (): Promise<RunningDiscord> => startDiscord(chorus, config, logger, { autoLeaveGraceMs: 50, limiter: new UserRateLimiter({}), ...options.bot });
  let discord = await start();
  return {
    fake,
    chorus,
    engine,
    get discord() {
      return discord;
    },
    async restartDiscord() {
      await discord.close();
      discord = await start();
    },
    guild,
    owner,
    dir,
    async command(user, command, commandOptions = [], extra = {}) {
      const record = fake.interact({
        guildId: guild.id,
        channelId: fake.textChannel(guild).id,
        userId: user.id,
        command,
        options: commandOptions,
        ...(extra.resolved ? { resolved: extra.resolved } : {}),
        ...(extra.permissions ? { permissions: extra.permissions } : {}),
      });
      await fake.waitFor(() => record.edits.length > 0 || record.followups.length > 0 || record.callbacks.some((callback) => callback.type === 4), 20_000, `a reply to /${command}`);
      return record;
    },
    async close() {
      await discord.close();
      await chorus.close();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What the user sees: the latest edit, follow-up or immediate reply. */
export function replyText(record: InteractionRecord): string {
  const last = [...record.edits, ...record.followups].sort((a, b) => a.at - b.at).at(-1);
  if (last !== undefined) return String(last.body.content ?? '');
  const immediate = record.callbacks.find((callback) => callback.type === 4);
  return String(immediate?.data?.content ?? '');
}

/** Whether the user's final view is ephemeral (flags 64 on the deferral, the reply or the follow-up). */
export function isEphemeralReply(record: InteractionRecord): boolean {
  const followup = record.followups.at(-1);
  if (followup !== undefined) return (Number(followup.body.flags ?? 0) & 64) !== 0;
  const first = record.callbacks[0];
  return (Number(first?.data?.flags ?? 0) & 64) !== 0;
}

const { OpusEncoder } = discordOpus;

/** Decodes received Opus packets (48 kHz stereo) to the left channel as floats; silence packets are skipped. */
export function decodePackets(packets: readonly ReceivedPacket[]): Float32Array {
  const decoder = new OpusEncoder(48_000, 2);
  const frames: Float32Array[] = [];
  for (const packet of packets) {
    if (packet.opus.equals(OPUS_SILENCE)) continue;
    const pcm = decoder.decode(packet.opus);
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2);
    const left = new Float32Array(samples.length / 2);
    for (let i = 0; i < left.length; i++) left[i] = (samples[2 * i] as number) / 32768;
    frames.push(left);
  }
  const out = new Float32Array(frames.reduce((sum, frame) => sum + frame.length, 0));
  let offset = 0;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}

/** Packets that carry audio (not the trailing silence frames). */
export function audioPackets(packets: readonly ReceivedPacket[]): ReceivedPacket[] {
  return packets.filter((packet) => !packet.opus.equals(OPUS_SILENCE));
}
