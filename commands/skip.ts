import { SlashCommandBuilder } from 'discord.js';
import { guildTarget } from '../src/gateways/discord/SpeechHost.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

export default {
  data: new SlashCommandBuilder().setName('skip').setDescription('Skip what is being said now (even while it is still being prepared)').toJSON(),
  ephemeral: false,
  async execute(interaction, bot) {
    return bot.host.player(guildTarget(interaction.guildId)).skip() ? 'Skipped.' : 'Nothing is being said.';
  },
} satisfies SlashCommand;
