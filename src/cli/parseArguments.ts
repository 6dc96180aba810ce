import { ChorusError } from '../util/ChorusError.ts';

export class UsageError extends ChorusError {
  constructor(message: string) {
    super('usage', message);
  }
}

export interface ParsedArguments {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

/**
 * Minimal GNU-style parser: `--name value`, `--name=value`, `-o value`, `--flag`, and `--` to end options.
 * `valued` lists the options that take a value (long names without dashes; short aliases map to them).
 */
export function parseArguments(argv: readonly string[], valued: ReadonlySet<string>, aliases: Readonly<Record<string, string>> = {}): ParsedArguments {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    const match = /^(?:--([a-z][\w-]*)|-([a-zA-Z]))(?:=(.*))?$/s.exec(arg);
    if (match === null) {
      positional.push(arg);
      continue;
    }
    const name = match[1] ?? aliases[match[2] as string] ?? (match[2] as string);
    if (!valued.has(name)) {
      if (match[3] !== undefined) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
      continue;
    }
    const value = match[3] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return { positional, options };
}
