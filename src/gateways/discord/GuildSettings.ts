import { ChorusError } from '../../util/ChorusError.ts';

/** How one guild wants its chat read. Stored as JSON per guild; unknown keys are ignored, missing ones default. */
export interface GuildSettings {
  /** Join the author's voice channel when a message arrives in the bound channel and the bot is not connected. */
  readonly autojoin: boolean;
  /** Leave when the bot is the only one left in its voice channel. */
  readonly autoLeave: boolean;
  /** Say "X said" before a message (not again for the same author within `nameRepeatSeconds`). */
  readonly readNames: boolean;
  readonly nameRepeatSeconds: number;
  /** Read server nicknames (else global display names). */
  readonly useNicknames: boolean;
  readonly maxCharacters: number;
  /** Longest utterance in seconds; longer ones are cut off. */
  readonly maxSeconds: number;
  readonly readLinks: boolean;
  readonly readEmoji: boolean;
  readonly readMentions: boolean;
  readonly skipCode: boolean;
  readonly skipSpoilers: boolean;
  readonly ignoreBots: boolean;
  /** Only members with this role are read; null: everyone. */
  readonly requiredRoleId: string | null;
  /** Only read authors who are in the bot's voice channel. */
  readonly requireVoice: boolean;
  /** Say "X joined" / "X left" when people join or leave the bot's voice channel. */
  readonly announceJoinLeave: boolean;
}

export const DEFAULT_GUILD_SETTINGS: GuildSettings = {
  autojoin: false,
  autoLeave: true,
  readNames: true,
  nameRepeatSeconds: 30,
  useNicknames: true,
  maxCharacters: 200,
  maxSeconds: 30,
  readLinks: false,
  readEmoji: true,
  readMentions: true,
  skipCode: true,
  skipSpoilers: true,
  ignoreBots: true,
  requiredRoleId: null,
  requireVoice: true,
  announceJoinLeave: false,
};

type BooleanKey = { [K in keyof GuildSettings]: GuildSettings[K] extends boolean ? K : never }[keyof GuildSettings];
type NumberKey = { [K in keyof GuildSettings]: GuildSettings[K] extends number ? K : never }[keyof GuildSettings];

export const BOOLEAN_SETTINGS: readonly BooleanKey[] = [
  'autojoin', 'autoLeave', 'readNames', 'useNicknames', 'readLinks', 'readEmoji', 'readMentions', 'skipCode', 'skipSpoilers', 'ignoreBots', 'requireVoice', 'announceJoinLeave',
];

/** Allowed ranges of the numeric settings. */
export const NUMBER_SETTINGS: Readonly<Record<NumberKey, readonly [min: number, max: number]>> = {
  nameRepeatSeconds: [0, 3600],
  maxCharacters: [10, 2000],
  maxSeconds: [3, 300],
};

/** A setting value out of range or of the wrong kind. */
export class GuildSettingError extends ChorusError {
  constructor(message: string) {
    super('guild-setting-invalid', message);
  }
}

export function isBooleanSetting(key: string): key is BooleanKey {
  return (BOOLEAN_SETTINGS as readonly string[]).includes(key);
}

export function isNumberSetting(key: string): key is NumberKey {
  return key in NUMBER_SETTINGS;
}

/** Returns `settings` with one value changed, validated. */
export function withSetting(settings: GuildSettings, key: string, value: boolean | number | string | null): GuildSettings {
  if (isBooleanSetting(key)) {
    if (typeof value !== 'boolean') throw new GuildSettingError(`"${key}" is on or off (true or false).`);
    return { ...settings, [key]: value };
  }
  if (isNumberSetting(key)) {
    const [min, max] = NUMBER_SETTINGS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new GuildSettingError(`"${key}" must be a whole number from ${min} to ${max}.`);
    }
    return { ...settings, [key]: value };
  }
  if (key === 'requiredRoleId') {
    if (value !== null && (typeof value !== 'string' || !/^\d{15,22}$/.test(value))) throw new GuildSettingError('Pick a role, or leave it empty to read everyone.');
    return { ...settings, requiredRoleId: value };
  }
  throw new GuildSettingError(`There is no setting called "${key}".`);
}

/** Reads stored JSON leniently: wrong types fall back to defaults, so an old or hand-edited row never breaks reading. */
export function parseGuildSettings(json: string | undefined): GuildSettings {
  if (json === undefined) return DEFAULT_GUILD_SETTINGS;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return DEFAULT_GUILD_SETTINGS;
  }
  if (typeof raw !== 'object' || raw === null) return DEFAULT_GUILD_SETTINGS;
  let settings = DEFAULT_GUILD_SETTINGS;
  for (const [key, value] of Object.entries(raw)) {
    try {
      settings = withSetting(settings, key, value as boolean | number | string | null);
    } catch {
      // keep the default for this key
    }
  }
  return settings;
}
