import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { muteCommand } from '../src/gateways/discord/muteCommand.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

export default {
  data: new SlashCommandBuilder()
    .setName('unmute')
    .setDescription('Read a muted member or role again')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageMessages)
    .setContexts(0)
    .addMentionableOption((option) => option.setName('who').setDescription('A member or a role').setRequired(true))
    .toJSON(),
  ephemeral: true,
  requiredPermissions: PermissionFlagsBits.ManageMessages,
  execute: (interaction, bot) => muteCommand(interaction, bot, 'unmute'),
} satisfies SlashCommand;
