import { ChorusError } from '../../util/ChorusError.ts';

/** A request the bot refuses; the message is shown to the user (ephemerally) and says what to do instead. */
export class DiscordUserError extends ChorusError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** What the user is told when a handler throws: our own errors say what to do; anything else is logged, not shown. */
export function userMessageOf(error: unknown): string | undefined {
  return error instanceof ChorusError ? error.message : undefined;
}
