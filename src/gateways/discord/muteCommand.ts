import { Role, type ChatInputCommandInteraction } from 'discord.js';
import type { DiscordBot } from './DiscordBot.ts';
import { guildTarget } from './SpeechHost.ts';

/** /mute and /unmute: a member or a role. Muting a member also silences what they have queued or are saying. */
export async function muteCommand(interaction: ChatInputCommandInteraction<'cached'>, bot: DiscordBot, verb: 'mute' | 'unmute'): Promise<string> {
  const who = interaction.options.getMentionable('who', true);
  const kind = who instanceof Role ? 'role' : 'user';
  const id = who.id;
  const label = kind === 'role' ? `<@&${id}>` : `<@${id}>`;
  if (verb === 'mute') {
    const added = await bot.store.mute(interaction.guildId, kind, id, interaction.user.id);
    if (kind === 'user') bot.host.player(guildTarget(interaction.guildId)).clear({ platform: 'discord', userId: id });
    return added ? `I will not read ${label} any more. /unmute undoes this.` : `${label} was already muted.`;
  }
  return (await bot.store.unmute(interaction.guildId, kind, id)) ? `I read ${label} again.` : `${label} was not muted.`;
}
