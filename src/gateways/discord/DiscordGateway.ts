import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import type { Logger } from '../../log/createLogger.ts';
import type { ChorusError } from '../../util/ChorusError.ts';
import { handleConsentButton } from './cloneFlow.ts';
import type { DiscordBot } from './DiscordBot.ts';
import { userMessageOf } from './DiscordUserError.ts';
import type { CommandReply, SlashCommand } from './SlashCommand.ts';

export interface DiscordGatewayOptions {
  readonly token: string;
  /** REST base (DISCORD_API_URL); the gateway URL then comes from its GET /gateway/bot, as usual. */
  readonly apiUrl?: string;
  readonly bot: DiscordBot;
  readonly commands: ReadonlyMap<string, SlashCommand>;
  readonly logger: Logger;
}

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

const SOMETHING_WENT_WRONG = 'Something went wrong on my side; it has been logged. Try again in a moment.';

/**
 * The discord.js client: connects (REST base from the configuration), and routes slash commands, consent
 * buttons, messages and voice-state changes to the bot. Every command is deferred before its handler runs,
 * so Discord's 3-second deadline is met however long synthesis or a download takes.
 */
export class DiscordGateway {
  readonly client: Client;
  readonly #options: DiscordGatewayOptions;

  constructor(options: DiscordGatewayOptions) {
    this.#options = options;
    this.client = new Client({
      intents: INTENTS,
      ...(options.apiUrl === undefined ? {} : { rest: { api: options.apiUrl } }),
    });
    const { bot, logger } = options;
    this.client.on(Events.InteractionCreate, (interaction) => void this.#onInteraction(interaction));
    this.client.on(Events.MessageCreate, (message) => {
      bot.onMessage(message).catch((error: unknown) => logger.error({ err: error, message: message.id }, 'reading a message failed'));
    });
    this.client.on(Events.VoiceStateUpdate, (oldState, newState) => {
      bot.onVoiceStateUpdate(oldState, newState).catch((error: unknown) => logger.error({ err: error }, 'handling a voice state change failed'));
    });
    this.client.on(Events.Error, (error) => logger.error({ err: error }, 'Discord client error'));
    this.client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'Discord gateway resumed'));
  }

  /** Logs in and resolves once the client is ready (all guilds received). */
  async start(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    await this.client.login(this.#options.token);
    await ready;
    this.#options.logger.info({ user: this.client.user?.tag, guilds: this.client.guilds.cache.size }, 'connected to Discord');
  }

  async close(): Promise<void> {
    await this.#options.bot.close();
    await this.client.destroy();
  }

  async #onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isChatInputCommand()) await this.#onCommand(interaction);
      else if (interaction.isButton()) await this.#onButton(interaction);
    } catch (error) {
      this.#options.logger.error({ err: error, interaction: interaction.id }, 'could not answer an interaction');
    }
  }

  async #onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const { logger, bot } = this.#options;
    const command = this.#options.commands.get(interaction.commandName);
    if (command === undefined || !interaction.inCachedGuild()) {
      await interaction.reply({ content: 'This command only works in a server where I am installed. Run it there.', flags: MessageFlags.Ephemeral });
      return;
    }
    if (command.requiredPermissions !== undefined && !interaction.memberPermissions.has(command.requiredPermissions)) {
      await interaction.reply({ content: `You need the ${permissionNames(command.requiredPermissions)} permission to use /${command.data.name}. Ask a server manager.`, flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.deferReply(command.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    let reply: CommandReply;
    try {
      reply = await command.execute(interaction, bot);
    } catch (error) {
      const message = userMessageOf(error);
      if (message === undefined) logger.error({ err: error, command: command.data.name }, 'command failed');
      else logger.debug({ command: command.data.name, code: (error as ChorusError).code }, 'command refused: %s', message);
      await this.#replyError(interaction, command.ephemeral, message ?? SOMETHING_WENT_WRONG);
      return;
    }
    await interaction.editReply(typeof reply === 'string' ? { content: reply } : reply);
  }

  /** Errors are ephemeral: a public deferral is deleted and the error sent as an ephemeral follow-up. */
  async #replyError(interaction: ChatInputCommandInteraction, ephemeral: boolean, content: string): Promise<void> {
    if (ephemeral) {
      await interaction.editReply({ content, components: [] });
      return;
    }
    await interaction.deleteReply().catch(() => {});
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
  }

  async #onButton(interaction: ButtonInteraction): Promise<void> {
    if (!interaction.inCachedGuild()) return;
    if (interaction.customId.startsWith('clone:')) await handleConsentButton(interaction, this.#options.bot, this.#options.logger);
  }
}

function permissionNames(bits: bigint): string {
  const names: [bigint, string][] = [[1n << 5n, 'Manage Server'], [1n << 13n, 'Manage Messages']];
  return names.filter(([bit]) => (bits & bit) !== 0n).map(([, name]) => name).join(' and ') || 'required';
}
