import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { muteCommand } from '../src/gateways/discord/muteCommand.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

export default {
  data: new SlashCommandBuilder()
    .setName('mute')
    .setDescription('Stop reading a member or a role')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageMessages)
    .setContexts(0)
    .addMentionableOption((option) => option.setName('who').setDescription('A member or a role').setRequired(true))
    .toJSON(),
  ephemeral: true,
  requiredPermissions: PermissionFlagsBits.ManageMessages,
  execute: (interaction, bot) => muteCommand(interaction, bot, 'mute'),
} satisfies SlashCommand;
