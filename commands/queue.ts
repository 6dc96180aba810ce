import { SlashCommandBuilder } from 'discord.js';
import { guildTarget } from '../src/gateways/discord/SpeechHost.ts';
import type { SlashCommand } from '../src/gateways/discord/SlashCommand.ts';

const SHOWN = 10;
const clip = (text: string): string => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

export default {
  data: new SlashCommandBuilder().setName('queue').setDescription('Show what is playing and what is waiting').toJSON(),
  ephemeral: true,
  async execute(interaction, bot) {
    const snapshot = bot.host.player(guildTarget(interaction.guildId)).snapshot();
    const lines: string[] = [];
    if (snapshot.current !== undefined) lines.push(`▶ **${snapshot.current.speaker.displayName}**: ${clip(snapshot.current.displayText)}`);
    for (const [index, entry] of snapshot.queue.entries.slice(0, SHOWN).entries()) lines.push(`${index + 1}. **${entry.speaker.displayName}**: ${clip(entry.displayText)}`);
    if (snapshot.queue.entries.length > SHOWN) lines.push(`…and ${snapshot.queue.entries.length - SHOWN} more.`);
    return lines.length === 0 ? 'Nothing is playing or waiting.' : lines.join('\n');
  },
} satisfies SlashCommand;
