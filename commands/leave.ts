import { SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

export default {
  data: new SlashCommandBuilder().setName('leave').setDescription('Leave the voice channel and stop reading').toJSON(),
  ephemeral: false,
  async execute(interaction, bot) {
    return (await bot.leave(interaction.guildId)) ? 'Left the voice channel.' : 'I was not in a voice channel.';
  },
} satisfies SlashCommand;
