import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { TemplateError } from '../../chat/ChatTemplate.ts';
import { ChorusError } from '../../util/ChorusError.ts';
import { bilibiliTemplates, DEFAULT_BILIBILI_TEMPLATES, TEMPLATE_NAMES, type BilibiliTemplates } from './BilibiliTemplates.ts';

/** The optional settings file (`chorus.bilibili.json`): what env variables express badly (templates, lists, maps). */
export interface BilibiliSettings {
  readonly templates: BilibiliTemplates;
  /** Viewer id (uid or open_id) → registered voice name. */
  readonly voices: Readonly<Record<string, string>>;
  readonly blockedWords: readonly string[];
}

export const DEFAULT_BILIBILI_SETTINGS: BilibiliSettings = { templates: DEFAULT_BILIBILI_TEMPLATES, voices: {}, blockedWords: [] };

/** The settings file is missing, is not JSON, or has a wrong entry; the message names the file and the entry. */
export class BilibiliSettingsError extends ChorusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bilibili-settings', message, options);
  }
}

const KEYS = ['templates', 'voices', 'blockedWords'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates parsed JSON; `where` names the file in messages. */
export function parseBilibiliSettings(json: unknown, where: string): BilibiliSettings {
  const fail = (entry: string, expected: string): never => {
    throw new BilibiliSettingsError(`${where}: "${entry}" should be ${expected}.`);
  };
  if (!isRecord(json)) return fail('(top level)', 'an object such as {"templates": {"danmaku": "{uname}说{msg}"}}');
  for (const key of Object.keys(json)) if (!KEYS.includes(key)) fail(key, `one of ${KEYS.join(', ')} (is it misspelt?)`);
  const templates: Record<string, string> = {};
  const rawTemplates = json['templates'] ?? {};
  if (!isRecord(rawTemplates)) fail('templates', 'an object of template strings');
  for (const [name, template] of Object.entries(rawTemplates as Record<string, unknown>)) {
    if (!(TEMPLATE_NAMES as string[]).includes(name)) fail(`templates.${name}`, `one of ${TEMPLATE_NAMES.join(', ')}`);
    if (typeof template !== 'string') fail(`templates.${name}`, 'a string ("" turns the event type off)');
    templates[name] = template as string;
  }
  const voices: Record<string, string> = {};
  const rawVoices = json['voices'] ?? {};
  if (!isRecord(rawVoices)) fail('voices', 'an object mapping viewer ids to voice names, such as {"6088969": "alice"}');
  for (const [viewer, voice] of Object.entries(rawVoices as Record<string, unknown>)) {
    if (typeof voice !== 'string' || voice.trim() === '') fail(`voices.${viewer}`, 'the name of a registered voice');
    voices[viewer] = (voice as string).trim();
  }
  const rawWords = json['blockedWords'] ?? [];
  if (!Array.isArray(rawWords) || rawWords.some((word) => typeof word !== 'string')) fail('blockedWords', 'a list of strings');
  try {
    return { templates: bilibiliTemplates(templates, where), voices, blockedWords: (rawWords as string[]).filter((word) => word.trim() !== '') };
  } catch (error) {
    if (error instanceof TemplateError) throw new BilibiliSettingsError(error.message, { cause: error });
    throw error;
  }
}

/** Reads and validates the settings file; no path means the defaults. */
export async function loadBilibiliSettings(path: string | undefined): Promise<BilibiliSettings> {
  if (path === undefined) return DEFAULT_BILIBILI_SETTINGS;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BilibiliSettingsError(`Cannot read the Bilibili settings file ${path} (BILIBILI_CONFIG_FILE): ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BilibiliSettingsError(`${basename(path)} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseBilibiliSettings(json, basename(path));
}
