import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { BOOLEAN_SETTINGS, NUMBER_SETTINGS } from '../src/gateways/discord/GuildSettings.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

const builder = new SlashCommandBuilder()
  .setName('settings')
  .setDescription('Show or change how this server is read aloud')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(0);
for (const key of BOOLEAN_SETTINGS) builder.addBooleanOption((option) => option.setName(key.toLowerCase()).setDescription(`Turn ${key} on or off`));
for (const [key, [min, max]] of Object.entries(NUMBER_SETTINGS)) {
  builder.addIntegerOption((option) => option.setName(key.toLowerCase()).setDescription(`${key} (${min}–${max})`).setMinValue(min).setMaxValue(max));
}
builder.addRoleOption((option) => option.setName('required_role').setDescription('Only read members with this role'));
builder.addBooleanOption((option) => option.setName('clear_required_role').setDescription('Read everyone again'));

const KEYS = [...BOOLEAN_SETTINGS, ...Object.keys(NUMBER_SETTINGS)];

export default {
  data: builder.toJSON(),
  ephemeral: true,
  requiredPermissions: PermissionFlagsBits.ManageGuild,
  async execute(interaction, bot) {
    const guildId = interaction.guildId;
    const changed: string[] = [];
    for (const key of KEYS) {
      const option = interaction.options.get(key.toLowerCase());
      if (option?.value === undefined) continue;
      await bot.store.setSetting(guildId, key, option.value as boolean | number);
      changed.push(key);
    }
    const role = interaction.options.getRole('required_role');
    if (role !== null) {
      await bot.store.setSetting(guildId, 'requiredRoleId', role.id);
      changed.push('requiredRoleId');
    } else if (interaction.options.getBoolean('clear_required_role') === true) {
      await bot.store.setSetting(guildId, 'requiredRoleId', null);
      changed.push('requiredRoleId');
    }
    const { settings } = await bot.store.load(guildId);
    const lines = Object.entries(settings).map(([key, value]) => `${changed.includes(key) ? '✎' : '•'} ${key}: ${key === 'requiredRoleId' && value !== null ? `<@&${String(value)}>` : String(value)}`);
    return `${changed.length === 0 ? 'Settings for this server:' : `Changed ${changed.join(', ')}.`}\n${lines.join('\n')}`;
  },
} satisfies SlashCommand;
