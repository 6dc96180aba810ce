import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogFormat, LogLevel } from '../log/createLogger.ts';
import type { Config, EngineId } from './Config.ts';
import { ConfigError } from './ConfigError.ts';

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const ENGINES: readonly EngineId[] = ['builtin', 'tone', 'gpt-sovits'];

/** Reads `.env` (if present) into process.env without overriding variables already set by the shell. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(name, `one of ${allowed.join(', ')}`, JSON.stringify(value));
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
    throw new ConfigError(name, `a whole number from ${min} to ${max}`, JSON.stringify(value));
  }
  return parsed;
}

function url(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    return value.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(name, 'an http(s) URL such as https://discord.com/api', JSON.stringify(value));
  }
}

function snowflakeId(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^\d{15,22}$/.test(value)) throw new ConfigError(name, 'a Discord id, 15 to 22 digits', JSON.stringify(value));
  return value;
}

function hostList(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const hosts = value.split(',').map((host) => host.trim().toLowerCase()).filter((host) => host !== '');
  if (hosts.length === 0 || hosts.some((host) => !/^[a-z0-9.-]+(:\d{1,5})?$/.test(host))) {
    throw new ConfigError(name, 'comma-separated host names such as cdn.discordapp.com,media.discordapp.net', JSON.stringify(value));
  }
  return hosts;
}

/** A secret is checked for shape only; the error never repeats it. */
function secret(env: Env, name: string, pattern: RegExp, expected: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!pattern.test(value)) throw new ConfigError(name, expected, '(a value of the wrong shape; not shown)');
  return value;
}

/** The neural engine needs to know where its model is; say so at start rather than at the first message. */
function engineModelDir(env: Env, path: (name: string, fallback: string) => string): string | undefined {
  const dir = text(env, 'GPT_SOVITS_MODEL_DIR');
  if (dir === undefined) {
    if (text(env, 'ENGINE') === 'gpt-sovits') {
      throw new ConfigError('GPT_SOVITS_MODEL_DIR', 'the folder of a Genie-converted GPT-SoVITS v2 model when ENGINE=gpt-sovits (see models/README.md)', undefined);
    }
    return undefined;
  }
  return path('GPT_SOVITS_MODEL_DIR', dir);
}

/**
 * Builds the validated configuration from an environment. Throws ConfigError on the first bad value,
 * so the program can stop with one line naming the variable.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const path = (name: string, fallback: string): string => resolve(cwd, text(env, name) ?? fallback);
  const interactive = process.stdout.isTTY === true;
  const clientId = text(env, 'DISCORD_CLIENT_ID');
  if (clientId !== undefined && !/^\d{15,22}$/.test(clientId)) {
    throw new ConfigError('DISCORD_CLIENT_ID', 'the application id, 15 to 22 digits', JSON.stringify(clientId));
  }
  const roomId = text(env, 'BILIBILI_ROOM_ID');
  if (roomId !== undefined && !/^\d{1,12}$/.test(roomId)) {
    throw new ConfigError('BILIBILI_ROOM_ID', 'a live room number such as 21452505', JSON.stringify(roomId));
  }
  return {
    log: {
      level: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      format: oneOf<LogFormat>(env, 'LOG_FORMAT', ['pretty', 'json'], interactive ? 'pretty' : 'json'),
    },
    paths: {
      database: path('DATABASE_PATH', 'voices/chorus.sqlite'),
      voicesDir: path('VOICES_DIR', 'voices'),
      modelsDir: path('MODELS_DIR', 'models'),
      outDir: path('OUT_DIR', 'out'),
    },
    engine: {
      id: oneOf(env, 'ENGINE', ENGINES, 'builtin'),
      concurrency: integer(env, 'SYNTHESIS_CONCURRENCY', 1, 1, 16),
      workers: integer(env, 'ENGINE_WORKERS', 1, 1, 16),
      threads: integer(env, 'ENGINE_THREADS', 2, 1, 64),
      gptSovitsModelDir: engineModelDir(env, path),
      hubertPath: text(env, 'GPT_SOVITS_HUBERT') === undefined ? undefined : path('GPT_SOVITS_HUBERT', ''),
    },
    text: {
      maxCharacters: integer(env, 'MAX_MESSAGE_CHARS', 200, 10, 2000),
      emoji: oneOf(env, 'READ_EMOJI', ['name', 'drop'], 'name'),
    },
    queue: {
      maxLength: integer(env, 'QUEUE_MAX_LENGTH', 50, 1, 10_000),
      maxAgeSeconds: integer(env, 'QUEUE_MAX_AGE_SECONDS', 120, 5, 86_400),
    },
    uploads: {
      maxBytes: integer(env, 'MAX_UPLOAD_MB', 20, 1, 200) * 1024 * 1024,
      maxClipSeconds: integer(env, 'MAX_CLIP_SECONDS', 60, 5, 600),
    },
    discord: {
      clientId,
      apiUrl: url(env, 'DISCORD_API_URL'),
      devGuildId: snowflakeId(env, 'DISCORD_DEV_GUILD_ID'),
      attachmentHosts: hostList(env, 'DISCORD_ATTACHMENT_HOSTS', ['cdn.discordapp.com', 'media.discordapp.net']),
    },
    bilibili: { roomId: roomId === undefined ? undefined : Number(roomId) },
    secrets: {
      discordToken: secret(env, 'DISCORD_TOKEN', /^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$/, 'a bot token from the Discord developer portal (three dot-separated parts)'),
      bilibiliCookie: text(env, 'BILIBILI_COOKIE'),
    },
  };
}
