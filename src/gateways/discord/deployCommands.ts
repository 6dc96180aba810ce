import { REST, Routes } from 'discord.js';
import type { SlashCommand } from './SlashCommand.ts';

export interface DeployOptions {
  readonly token: string;
  readonly clientId: string;
  readonly apiUrl?: string;
  /** Register to this guild only (instant; for development). Otherwise globally. */
  readonly guildId?: string;
  readonly commands: Iterable<SlashCommand>;
}

/**
 * Registers every command with one bulk overwrite (PUT), as Discord recommends: it never counts against the
 * 200 creates per day, and commands removed from `commands/` disappear. Returns how many were registered.
 */
export async function deployCommands(options: DeployOptions): Promise<number> {
  const rest = new REST(options.apiUrl === undefined ? {} : { api: options.apiUrl }).setToken(options.token);
  const body = [...options.commands].map((command) => command.data);
  const route = options.guildId === undefined ? Routes.applicationCommands(options.clientId) : Routes.applicationGuildCommands(options.clientId, options.guildId);
  const result = (await rest.put(route, { body })) as unknown[];
  return result.length;
}
