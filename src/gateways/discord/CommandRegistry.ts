import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChorusError } from '../../util/ChorusError.ts';
import { isSlashCommand, type SlashCommand } from './SlashCommand.ts';

/** The project's `commands/` folder. */
export const COMMANDS_DIR = resolve(import.meta.dirname, '../../../commands');

export class CommandDefinitionError extends ChorusError {
  constructor(message: string) {
    super('command-definition', message);
  }
}

/** Loads every `commands/*.ts` default export, checking shape and unique names. */
export async function loadCommands(dir = COMMANDS_DIR): Promise<Map<string, SlashCommand>> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).sort();
  const commands = new Map<string, SlashCommand>();
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: unknown };
    if (!isSlashCommand(module.default)) throw new CommandDefinitionError(`commands/${file} must export default a SlashCommand (data, ephemeral, execute).`);
    const name = module.default.data.name;
    if (commands.has(name)) throw new CommandDefinitionError(`Two files define the command /${name}; rename one.`);
    commands.set(name, module.default);
  }
  return commands;
}
