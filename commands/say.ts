import { SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

export default {
  data: new SlashCommandBuilder()
    .setName('say')
    .setDescription('Say something in your voice channel, in your voice')
    .addStringOption((option) => option.setName('text').setDescription('What to say').setRequired(true).setMaxLength(2000))
    .addStringOption((option) => option.setName('voice').setDescription('Speak with this voice instead of yours (yours or shared here)').setMaxLength(64))
    .toJSON(),
  ephemeral: true,
  async execute(interaction, bot) {
    await bot.say(interaction.member, interaction.id, interaction.options.getString('text', true), interaction.options.getString('voice') ?? undefined);
    return 'Queued.';
  },
} satisfies SlashCommand;
