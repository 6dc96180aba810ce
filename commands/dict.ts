import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

export default {
  data: new SlashCommandBuilder()
    .setName('dict')
    .setDescription('Pronunciation overrides for this server (also applied to names)')
    // A reading changes what everyone hears, so it is a moderator's setting like /settings.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((sub) =>
      sub.setName('add').setDescription('Say a word another way')
        .addStringOption((option) => option.setName('word').setDescription('As written').setRequired(true).setMaxLength(64))
        .addStringOption((option) => option.setName('reading').setDescription('How to say it').setRequired(true).setMaxLength(128)))
    .addSubcommand((sub) => sub.setName('remove').setDescription('Remove an override').addStringOption((option) => option.setName('word').setDescription('As written').setRequired(true)))
    .addSubcommand((sub) => sub.setName('list').setDescription('Show the overrides'))
    .toJSON(),
  ephemeral: true,
  requiredPermissions: PermissionFlagsBits.ManageGuild,
  async execute(interaction, bot) {
    const guildId = interaction.guildId;
    switch (interaction.options.getSubcommand(true)) {
      case 'add': {
        const word = interaction.options.getString('word', true);
        const reading = interaction.options.getString('reading', true);
        await bot.store.addWord(guildId, word, reading, interaction.user.id);
        return `"${word}" is now read as "${reading}".`;
      }
      case 'remove': {
        const word = interaction.options.getString('word', true);
        return (await bot.store.removeWord(guildId, word)) ? `Removed "${word}".` : `"${word}" was not in the dictionary. /dict list shows it.`;
      }
      default: {
        const words = await bot.store.words(guildId);
        if (words.length === 0) return 'The dictionary is empty. Add a word with /dict add.';
        const lines = words.slice(0, 50).map((entry) => `• ${entry.word} → ${entry.reading}`);
        return words.length > 50 ? `${lines.join('\n')}\n…and ${words.length - 50} more.` : lines.join('\n');
      }
    }
  },
} satisfies SlashCommand;
