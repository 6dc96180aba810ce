import { runWithConfig } from '../../app/runWithConfig.ts';
import { ConfigError } from '../../config/ConfigError.ts';
import { loadCommands } from './CommandRegistry.ts';
import { deployCommands } from './deployCommands.ts';

// `npm run commands:deploy`: registers commands/*.ts with Discord (DISCORD_DEV_GUILD_ID: that guild only; else globally).
await runWithConfig(async (config) => {
  const token = config.secrets.discordToken;
  const clientId = config.discord.clientId;
  if (token === undefined) throw new ConfigError('DISCORD_TOKEN', 'a bot token from the Discord developer portal', '(not set)');
  if (clientId === undefined) throw new ConfigError('DISCORD_CLIENT_ID', 'the application id from the Discord developer portal', '(not set)');
  const commands = await loadCommands();
  const guildId = config.discord.devGuildId;
  const count = await deployCommands({
    token,
    clientId,
    commands: commands.values(),
    ...(config.discord.apiUrl === undefined ? {} : { apiUrl: config.discord.apiUrl }),
    ...(guildId === undefined ? {} : { guildId }),
  });
  process.stdout.write(`Registered ${count} commands ${guildId === undefined ? 'globally (may take up to an hour to appear)' : `in guild ${guildId}`}.\n`);
});
