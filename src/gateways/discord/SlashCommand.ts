import type { ChatInputCommandInteraction, InteractionEditReplyOptions, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { DiscordBot } from './DiscordBot.ts';

/** What a command handler answers: text, or a full reply (files, buttons). */
export type CommandReply = string | InteractionEditReplyOptions;

/**
 * One slash command, defined in its own file under `commands/` (default export). Handlers stay thin: read the
 * options, call into DiscordBot or the pipeline, return the reply. The gateway defers before `execute`, so a
 * handler may take longer than Discord's 3 s, and turns thrown errors into ephemeral messages.
 */
export interface SlashCommand {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Whether the reply is visible only to the caller. */
  readonly ephemeral: boolean;
  /** Checked before anything runs (Discord also hides the command via `default_member_permissions`). */
  readonly requiredPermissions?: bigint;
  execute(interaction: ChatInputCommandInteraction<'cached'>, bot: DiscordBot): Promise<CommandReply>;
}

export function isSlashCommand(value: unknown): value is SlashCommand {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SlashCommand>;
  return typeof candidate.execute === 'function' && typeof candidate.data?.name === 'string' && typeof candidate.ephemeral === 'boolean';
}
