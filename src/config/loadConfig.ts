import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogFormat, LogLevel } from '../log/createLogger.ts';
import { PRIORITY_CLASSES, type PriorityClass } from '../speech/SpeechJob.ts';
import type { ChatConfig, Config, EngineId } from './Config.ts';
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

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || parsed < min || parsed > max) throw new ConfigError(name, `a number from ${min} to ${max}`, JSON.stringify(value));
  return parsed;
}

function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** Defaults for paid and low classes; `chat` and `command` use QUEUE_MAX_AGE_SECONDS. */
const CLASS_MAX_AGE_DEFAULTS: Readonly<Partial<Record<PriorityClass, number>>> = { superChat: 900, guard: 900, paidGift: 300, freeGift: 60, other: 30 };

/** `superChat=600,chat=60`: seconds per priority class, over the defaults. */
function classSeconds(env: Env, name: string): Readonly<Partial<Record<PriorityClass, number>>> {
  const result: Partial<Record<PriorityClass, number>> = { ...CLASS_MAX_AGE_DEFAULTS };
  for (const item of list(env, name)) {
    const match = /^(\w+)=(\d{1,6})$/.exec(item);
    if (match === null || !(PRIORITY_CLASSES as readonly string[]).includes(match[1] as string) || Number(match[2]) < 1) {
      throw new ConfigError(name, `class=seconds pairs such as superChat=900,chat=60 (classes: ${PRIORITY_CLASSES.join(', ')})`, JSON.stringify(text(env, name)));
    }
    result[match[1] as PriorityClass] = Number(match[2]);
  }
  return result;
}

function chatConfig(env: Env): ChatConfig {
  return {
    readMode: oneOf(env, 'CHAT_READ_MODE', ['all', 'paid-only'], 'all'),
    minGiftCny: decimal(env, 'CHAT_MIN_GIFT_CNY', 0, 0, 100_000),
    paidGiftCny: decimal(env, 'CHAT_PAID_GIFT_CNY', 1, 0, 100_000),
    blockedWords: list(env, 'CHAT_BLOCKED_WORDS'),
    repeatWindowSeconds: integer(env, 'CHAT_REPEAT_WINDOW_SECONDS', 30, 0, 3_600),
    viewerMaxPerMinute: integer(env, 'CHAT_VIEWER_MAX_PER_MINUTE', 6, 0, 600),
    samplePercent: integer(env, 'CHAT_SAMPLE_PERCENT', 100, 1, 100),
    maxAgeSeconds: classSeconds(env, 'CHAT_MAX_AGE_SECONDS'),
    backlogWarnSeconds: integer(env, 'CHAT_BACKLOG_WARN_SECONDS', 60, 0, 3_600),
  };
}

/** The Open Platform needs all four values; name the first one missing. */
function openPlatformSecrets(env: Env): { authCode: string | undefined; keyId: string | undefined; keySecret: string | undefined; appId: number | undefined } {
  const authCode = secret(env, 'BILIBILI_AUTH_CODE', /^[0-9A-Z]{12,14}$/, 'the streamer’s 身份码 (12–14 capital letters and digits, from 直播姬 or the web 开播设置 page)');
  const keyId = text(env, 'BILIBILI_ACCESS_KEY_ID');
  const keySecret = text(env, 'BILIBILI_ACCESS_KEY_SECRET');
  const appIdText = text(env, 'BILIBILI_APP_ID');
  if (appIdText !== undefined && !/^\d{1,16}$/.test(appIdText)) throw new ConfigError('BILIBILI_APP_ID', 'the Open Platform project id (digits)', JSON.stringify(appIdText));
  if (authCode !== undefined) {
    const missing = [['BILIBILI_APP_ID', appIdText], ['BILIBILI_ACCESS_KEY_ID', keyId], ['BILIBILI_ACCESS_KEY_SECRET', keySecret]].find(([, value]) => value === undefined);
    if (missing !== undefined) throw new ConfigError(missing[0] as string, 'a value: BILIBILI_AUTH_CODE is set, and the Open Platform also needs BILIBILI_APP_ID, BILIBILI_ACCESS_KEY_ID and BILIBILI_ACCESS_KEY_SECRET', undefined);
  }
  return { authCode, keyId, keySecret, appId: appIdText === undefined ? undefined : Number(appIdText) };
}

/** A redis:// or rediss:// URL. It may carry a password, so the error never repeats it. */
function redisUrl(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  const db = parsed?.pathname.replace(/^\//, '') ?? '';
  if (parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '' || !/^\d{0,2}$/.test(db)) {
    throw new ConfigError(name, 'a Redis URL such as redis://127.0.0.1:6379 or redis://:password@host:6379/0', '(a value of the wrong shape; not shown, as it may hold a password)');
  }
  return value;
}

/** A secret is checked for shape only; the error never repeats it. */
function secret(env: Env, name: string, pattern: RegExp, expected: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!pattern.test(value)) throw new ConfigError(name, expected, '(a value of the wrong shape; not shown)');
  return value;
}

/** Where the overlay server listens: an IP address or host name of this machine. */
function listenHost(env: Env, name: string, fallback: string): string {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(value) && !/^[0-9A-Fa-f:.]{2,45}$/.test(value)) {
    throw new ConfigError(name, 'an address of this machine such as 127.0.0.1 (only this computer) or 0.0.0.0 (every network)', JSON.stringify(value));
  }
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
  const openPlatform = openPlatformSecrets(env);
  const settingsPath = text(env, 'BILIBILI_CONFIG_FILE');
  const defaultSettings = resolve(cwd, 'chorus.bilibili.json');
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
      robertaPath: text(env, 'GPT_SOVITS_ROBERTA') === undefined ? undefined : path('GPT_SOVITS_ROBERTA', ''),
      gptSovitsDecoderWeights: oneOf(env, 'GPT_SOVITS_DECODER_WEIGHTS', ['int8', 'float32'], 'int8'),
    },
    text: {
      maxCharacters: integer(env, 'MAX_MESSAGE_CHARS', 200, 10, 2000),
      emoji: oneOf(env, 'READ_EMOJI', ['name', 'drop'], 'name'),
    },
    queue: {
      maxLength: integer(env, 'QUEUE_MAX_LENGTH', 50, 1, 10_000),
      // A live room's chat outruns speech: a queue of more than a few items only holds messages that are stale when read.
      liveMaxLength: integer(env, 'QUEUE_MAX_LENGTH', 10, 1, 10_000),
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
    chat: chatConfig(env),
    overlay: {
      host: listenHost(env, 'OVERLAY_HOST', '127.0.0.1'),
      port: integer(env, 'OVERLAY_PORT', 7710, 0, 65_535),
    },
    bilibili: {
      roomId: roomId === undefined ? undefined : Number(roomId),
      appId: openPlatform.appId,
      liveApiBase: url(env, 'BILIBILI_LIVE_API'),
      mainApiBase: url(env, 'BILIBILI_MAIN_API'),
      openApiBase: url(env, 'BILIBILI_OPEN_API'),
      voicePool: list(env, 'BILIBILI_VOICE_POOL'),
      // An explicit path must exist (checked when read); the default file is used only if present.
      settingsPath: settingsPath !== undefined ? resolve(cwd, settingsPath) : existsSync(defaultSettings) ? defaultSettings : undefined,
      emoticons: oneOf(env, 'BILIBILI_EMOTICONS', ['name', 'drop'], 'name'),
    },
    scaleOut: {
      fallback: oneOf(env, 'SYNTHESIS_FALLBACK', ['inprocess', 'none'], 'none'),
      workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 1, 1, 64),
      stallIntervalMs: integer(env, 'WORKER_STALL_INTERVAL_MS', 5000, 100, 600_000),
    },
    secrets: {
      discordToken: secret(env, 'DISCORD_TOKEN', /^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$/, 'a bot token from the Discord developer portal (three dot-separated parts)'),
      bilibiliCookie: text(env, 'BILIBILI_COOKIE'),
      bilibiliAuthCode: openPlatform.authCode,
      bilibiliAccessKeyId: openPlatform.keyId,
      bilibiliAccessKeySecret: openPlatform.keySecret,
      redisUrl: redisUrl(env, 'REDIS_URL'),
      overlayToken: secret(env, 'OVERLAY_TOKEN', /^[A-Za-z0-9_-]{16,128}$/, '16 to 128 letters, digits, _ or - (or leave it unset to have one made)'),
    },
  };
}
