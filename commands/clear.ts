import { SlashCommandBuilder } from 'discord.js';
import { guildTarget } from '../src/gateways/discord/SpeechHost.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

export default {
  data: new SlashCommandBuilder().setName('clear').setDescription('Drop every waiting message (what is playing finishes; /skip stops it)').toJSON(),
  ephemeral: false,
  async execute(interaction, bot) {
    const dropped = bot.host.player(guildTarget(interaction.guildId)).clear();
    return dropped === 0 ? 'The queue was already empty.' : `Cleared ${dropped} waiting message${dropped === 1 ? '' : 's'}.`;
  },
} satisfies SlashCommand;
