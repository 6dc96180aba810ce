import type { LogFormat, LogLevel } from '../log/createLogger.ts';

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
  };
  readonly text: { readonly maxCharacters: number; readonly emoji: 'name' | 'drop' };
  readonly queue: { readonly maxLength: number; readonly maxAgeSeconds: number };
  readonly uploads: { readonly maxBytes: number; readonly maxClipSeconds: number };
  readonly discord: {
    readonly clientId: string | undefined;
    readonly apiUrl: string | undefined;
    /** `npm run commands:deploy` registers commands to this guild only (instant, for development); else globally. */
    readonly devGuildId: string | undefined;
    /** Hosts `/clone` may download attachments from (host or host:port); anything else is refused (SSRF). */
    readonly attachmentHosts: readonly string[];
  };
  readonly bilibili: { readonly roomId: number | undefined };
  readonly secrets: Secrets;
}

/** Values that must never reach a log line. `describeSecrets` says only whether each is set. */
export interface Secrets {
  readonly discordToken: string | undefined;
  readonly bilibiliCookie: string | undefined;
}
