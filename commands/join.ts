import { ChannelType, SlashCommandBuilder } from 'discord.js';
import { DiscordUserError } from '../src/gateways/discord/DiscordUserError.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

export default {
  data: new SlashCommandBuilder()
    .setName('join')
    .setDescription('Join your voice channel and read this text channel aloud')
    .addChannelOption((option) => option.setName('channel').setDescription('A voice channel (default: the one you are in)').addChannelTypes(ChannelType.GuildVoice, ChannelType.GuildStageVoice))
    .toJSON(),
  ephemeral: false,
  async execute(interaction, bot) {
    const channelId = interaction.options.getChannel('channel')?.id ?? interaction.member.voice.channelId;
    if (channelId === null) throw new DiscordUserError('caller-not-in-voice', 'Join a voice channel first, or name one: /join channel:<voice channel>.');
    await bot.join(interaction.guild, channelId, interaction.channelId);
    return `Joined <#${channelId}>. I read messages from <#${interaction.channelId}> aloud; start a message with ; to keep it silent.`;
  },
} satisfies SlashCommand;
