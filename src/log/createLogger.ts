import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type LogFormat = 'pretty' | 'json';
export type { Logger };

/**
 * Paths that may carry secrets. Secrets live in `config.secrets` and should never be passed to a logger,
 * but redaction catches the accident.
 */
const REDACT = ['token', '*.token', 'secrets', '*.secrets', 'cookie', '*.cookie', 'authorization', '*.authorization', 'headers.authorization'];

export function createLogger(options: { level: LogLevel; format: LogFormat; destination?: NodeJS.WritableStream }): Logger {
  const base = { level: options.level, redact: { paths: REDACT, censor: '[secret]' }, base: undefined };
  if (options.format === 'pretty') {
    // Synchronous pretty stream: no transport worker thread, so the last lines before a crash are not lost.
    const stream = pretty({ colorize: options.destination === undefined && process.stdout.isTTY === true, sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', destination: options.destination ?? 1 });
    return pino(base, stream);
  }
  return options.destination === undefined ? pino(base) : pino(base, options.destination);
}
