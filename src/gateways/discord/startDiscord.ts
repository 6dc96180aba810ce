import type { Config } from '../../config/Config.ts';
import { ConfigError } from '../../config/ConfigError.ts';
import type { Logger } from '../../log/createLogger.ts';
import { AttachmentFetcher } from './AttachmentFetcher.ts';
import { loadCommands } from './CommandRegistry.ts';
import { DiscordBot, type DiscordBotOptions } from './DiscordBot.ts';
import { DiscordGateway } from './DiscordGateway.ts';
import { GuildStore } from './GuildStore.ts';
import type { SpeechHost } from './SpeechHost.ts';

export interface RunningDiscord {
  readonly gateway: DiscordGateway;
  readonly bot: DiscordBot;
  close(): Promise<void>;
}

/** Wires the Discord gateway to the pipeline and connects. Needs DISCORD_TOKEN. */
export async function startDiscord(
  host: SpeechHost,
  config: Config,
  logger: Logger,
  overrides: Partial<Pick<DiscordBotOptions, 'autoLeaveGraceMs' | 'maxRejoins' | 'limiter' | 'voiceMoveGraceMs'>> = {},
): Promise<RunningDiscord> {
  const token = config.secrets.discordToken;
  if (token === undefined) throw new ConfigError('DISCORD_TOKEN', 'a bot token from the Discord developer portal', '(not set)');
  const store = await GuildStore.open(config.paths.database);
  const fetcher = new AttachmentFetcher({ allowedHosts: config.discord.attachmentHosts, maxBytes: config.uploads.maxBytes });
  const bot = new DiscordBot({ host, store, logger: logger.child({ gateway: 'discord' }), fetcher, ...overrides });
  const commands = await loadCommands();
  const gateway = new DiscordGateway({ token, ...(config.discord.apiUrl === undefined ? {} : { apiUrl: config.discord.apiUrl }), bot, commands, logger });
  try {
    await gateway.start();
  } catch (error) {
    await gateway.close().catch(() => {});
    await store.close();
    throw error;
  }
  // In the background: a voice join takes up to a few seconds per guild, and commands work meanwhile.
  const client = gateway.client;
  if (client.isReady()) bot.resumeVoice(client).catch((error: unknown) => logger.warn({ err: error }, 'rejoining voice after a restart failed'));
  return {
    gateway,
    bot,
    async close() {
      await gateway.close();
      await store.close();
    },
  };
}
