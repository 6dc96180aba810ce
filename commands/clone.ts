import { SlashCommandBuilder } from 'discord.js';
import { startClone } from '../src/gateways/discord/cloneFlow.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

const data = new SlashCommandBuilder()
  .setName('clone')
  .setDescription('Register your voice from a recording (you confirm consent before anything is stored)')
  .addStringOption((option) => option.setName('name').setDescription('A name for the voice').setRequired(true).setMaxLength(32))
  .addAttachmentOption((option) => option.setName('clip').setDescription('5–30 s of clear speech: WAV, MP3, OGG, M4A or FLAC').setRequired(true))
  .addStringOption((option) => option.setName('transcript').setDescription('Exactly what is said in the clip').setRequired(true).setMaxLength(500))
  .addStringOption((option) => option.setName('language').setDescription('Language of the clip').addChoices({ name: 'Chinese', value: 'zh' }, { name: 'English', value: 'en' }))
  .toJSON();

export default {
  // Discord's file-type filter (extension only; the bot sniffs the bytes itself). discord.js builders lack a setter.
  data: { ...data, options: data.options?.map((option) => (option.name === 'clip' ? { ...option, file_types: ['audio'] } : option)) },
  ephemeral: true,
  execute: startClone,
} satisfies SlashCommand;
