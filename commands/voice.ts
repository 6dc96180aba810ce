import { PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { DEFAULT_VOICE_ID } from '../src/app/DefaultVoice.ts';
import type { DiscordBot } from '../src/gateways/discord/DiscordBot.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';
import type { Voice } from '../src/voices/Voice.ts';
import { VoiceNotFoundError } from '../src/voices/VoiceNotFoundError.ts';

const nameOption = (description: string) => (option: import('discord.js').SlashCommandStringOption) =>
  option.setName('name').setDescription(description).setRequired(true).setMaxLength(64);

function describeScope(voice: Voice): string {
  return voice.scope.kind === 'private' ? 'private' : voice.scope.kind === 'guild' ? 'shared with this server' : 'shared with everyone';
}

async function find(interaction: ChatInputCommandInteraction<'cached'>, bot: DiscordBot): Promise<Voice> {
  const name = interaction.options.getString('name', true);
  const voice = await bot.host.registry.findByName(name, { platform: 'discord', userId: interaction.user.id }, interaction.guildId);
  if (voice === undefined) throw new VoiceNotFoundError(name, `There is no voice called "${name}" that you can use here. /voice list shows them.`);
  return voice;
}

export default {
  data: new SlashCommandBuilder()
    .setName('voice')
    .setDescription('Choose and manage voices')
    .addSubcommand((sub) => sub.setName('use').setDescription('Speak with this voice in this server').addStringOption(nameOption('A voice name, or "default"')))
    .addSubcommand((sub) => sub.setName('list').setDescription('Voices you can use here'))
    .addSubcommand((sub) => sub.setName('info').setDescription('About one voice').addStringOption(nameOption('Voice name')))
    .addSubcommand((sub) =>
      sub.setName('rename').setDescription('Rename one of your voices').addStringOption(nameOption('Current name'))
        .addStringOption((option) => option.setName('new_name').setDescription('New name').setRequired(true).setMaxLength(32)))
    .addSubcommand((sub) => sub.setName('delete').setDescription('Delete one of your voices (managers: voices shared here)').addStringOption(nameOption('Voice name')))
    .addSubcommand((sub) => sub.setName('share').setDescription('Let everyone in this server use one of your voices').addStringOption(nameOption('Voice name')))
    .addSubcommand((sub) => sub.setName('unshare').setDescription('Make one of your voices private again').addStringOption(nameOption('Voice name')))
    .toJSON(),
  ephemeral: true,
  async execute(interaction, bot) {
    const { registry } = bot.host;
    const me = { platform: 'discord' as const, userId: interaction.user.id };
    const guildId = interaction.guildId;
    switch (interaction.options.getSubcommand(true)) {
      case 'use': {
        if (interaction.options.getString('name', true).toLowerCase() === DEFAULT_VOICE_ID) {
          await registry.clearSelection(me, guildId);
          return 'You now speak with the default voice here.';
        }
        const voice = await registry.selectVoice(me, guildId, (await find(interaction, bot)).id);
        return `You now speak with "${voice.name}" here.`;
      }
      case 'list': {
        const selected = await registry.selectedVoice(me, guildId);
        const voices = await registry.listUsable(me, guildId);
        if (voices.length === 0) return 'No voices yet. Register yours with /clone.';
        return voices
          .map((voice) => `${voice.id === selected?.id ? '▶' : '•'} **${voice.name}** (${voice.language}, ${voice.owner.userId === me.userId ? 'yours' : `by <@${voice.owner.userId}>`}, ${describeScope(voice)})`)
          .join('\n');
      }
      case 'info': {
        const voice = await find(interaction, bot);
        return [
          `**${voice.name}**: ${voice.language === 'zh' ? 'Chinese' : 'English'}, owned by <@${voice.owner.userId}>, ${describeScope(voice)}.`,
          `Reference clip: ${voice.clipSeconds.toFixed(1)} s. Registered ${voice.createdAt.toISOString().slice(0, 10)}.`,
          `Transcript: ${voice.transcript}`,
        ].join('\n');
      }
      case 'rename': {
        const voice = await registry.rename((await find(interaction, bot)).id, interaction.options.getString('new_name', true), me);
        return `Renamed to "${voice.name}".`;
      }
      case 'delete': {
        const isManager = interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild);
        const voice = await registry.delete((await find(interaction, bot)).id, { ...me, isManager }, guildId);
        return `Deleted "${voice.name}" and its recording.`;
      }
      case 'share': {
        const voice = await registry.setScope((await find(interaction, bot)).id, { kind: 'guild', guildId }, me);
        return `"${voice.name}" can now be used by everyone in this server.`;
      }
      case 'unshare': {
        const voice = await registry.setScope((await find(interaction, bot)).id, { kind: 'private' }, me);
        return `"${voice.name}" is private again.`;
      }
      default:
        return 'Unknown subcommand.';
    }
  },
} satisfies SlashCommand;
