import type { LogFormat, LogLevel } from '../log/createLogger.ts';
import type { PriorityClass } from '../speech/SpeechJob.ts';

export type EngineId = 'builtin' | 'tone' | 'gpt-sovits';

/** Everything Chorus reads from the environment, validated. Secrets are kept apart so they are never logged by accident. */
export interface Config {
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly paths: {
    readonly database: string;
    readonly voicesDir: string;
    readonly modelsDir: string;
    readonly outDir: string;
  };
  readonly engine: {
    readonly id: EngineId;
    readonly concurrency: number;
    readonly workers: number;
    /** onnxruntime threads for neural engines. */
    readonly threads: number;
    /** GPT-SoVITS: the Genie-converted model folder (required when ENGINE=gpt-sovits). */
    readonly gptSovitsModelDir: string | undefined;
    readonly hubertPath: string | undefined;
    /** Chinese RoBERTa folder or .onnx for GPT-SoVITS (optional; found beside the model when absent). */
    readonly robertaPath: string | undefined;
    /** GPT-SoVITS decoder weights: int8 quantised at load (default, ~1.6× faster decoding), or float32 as converted. */
    readonly gptSovitsDecoderWeights: 'float32' | 'int8';
  };
  readonly text: { readonly maxCharacters: number; readonly emoji: 'name' | 'drop' };
  readonly queue: {
    readonly maxLength: number;
    /** Live-room targets (Bilibili): QUEUE_MAX_LENGTH when set, else a short 10, since a flood makes a long queue only stale. */
    readonly liveMaxLength: number;
    readonly maxAgeSeconds: number;
  };
  readonly uploads: { readonly maxBytes: number; readonly maxClipSeconds: number };
  readonly discord: {
    readonly clientId: string | undefined;
    readonly apiUrl: string | undefined;
    /** `npm run commands:deploy` registers commands to this guild only (instant, for development); else globally. */
    readonly devGuildId: string | undefined;
    /** Hosts `/clone` may download attachments from (host or host:port); anything else is refused (SSRF). */
    readonly attachmentHosts: readonly string[];
  };
  readonly chat: ChatConfig;
  /** The OBS overlay and control pages (token in secrets.overlayToken; generated and saved when unset). */
  readonly overlay: { readonly host: string; readonly port: number };
  readonly bilibili: {
    readonly roomId: number | undefined;
    /** Open Platform project id (with BILIBILI_AUTH_CODE and the access key in secrets). */
    readonly appId: number | undefined;
    readonly liveApiBase: string | undefined;
    readonly mainApiBase: string | undefined;
    readonly openApiBase: string | undefined;
    /** Registered voice names unbound viewers are spread over; empty: the default voice. */
    readonly voicePool: readonly string[];
    /** Optional JSON file with templates, viewer voices and blocked words. */
    readonly settingsPath: string | undefined;
    readonly emoticons: 'name' | 'drop';
  };
  /** Synthesis on other processes through Redis (REDIS_URL, in secrets) and `npm run worker`. */
  readonly scaleOut: ScaleOutConfig;
  readonly secrets: Secrets;
}

/** How the bot and `npm run worker` share synthesis through Redis. Off while `secrets.redisUrl` is unset. */
export interface ScaleOutConfig {
  /** While Redis is unreachable: synthesise new jobs in the bot process, or let them wait for Redis. */
  readonly fallback: 'inprocess' | 'none';
  /** Jobs one `npm run worker` process synthesises at once. */
  readonly workerConcurrency: number;
  /** How soon a dead worker's job goes to another worker (ms); the same on every worker. */
  readonly stallIntervalMs: number;
}

/** The platform-independent read-aloud policy for live chat (see ChatPolicy). */
export interface ChatConfig {
  readonly readMode: 'all' | 'paid-only';
  readonly minGiftCny: number;
  readonly paidGiftCny: number;
  readonly blockedWords: readonly string[];
  readonly repeatWindowSeconds: number;
  /** 0: no per-viewer limit. */
  readonly viewerMaxPerMinute: number;
  readonly samplePercent: number;
  /** Per class; classes not listed use queue.maxAgeSeconds. */
  readonly maxAgeSeconds: Readonly<Partial<Record<PriorityClass, number>>>;
  /** 0: no spoken backlog warning. */
  readonly backlogWarnSeconds: number;
}

/** Values that must never reach a log line. `describeSecrets` says only whether each is set. */
export interface Secrets {
  readonly discordToken: string | undefined;
  readonly bilibiliCookie: string | undefined;
  /** The streamer's 身份码 (Open Platform). */
  readonly bilibiliAuthCode: string | undefined;
  readonly bilibiliAccessKeyId: string | undefined;
  readonly bilibiliAccessKeySecret: string | undefined;
  /** redis:// or rediss:// URL of the scale-out queue; may carry a password. */
  readonly redisUrl: string | undefined;
  /** Opens the overlay and control pages; OVERLAY_TOKEN, else a generated one saved beside the database. */
  readonly overlayToken: string | undefined;
}
