import { ConfigError } from '../config/ConfigError.ts';
import type { Config } from '../config/Config.ts';
import { loadConfig, loadDotEnv } from '../config/loadConfig.ts';
import { createLogger, type Logger } from '../log/createLogger.ts';
import { ChorusError } from '../util/ChorusError.ts';

/**
 * Entry-point scaffolding shared by `npm start` and the CLI: load `.env`, validate the configuration (a bad
 * value stops the program with one line naming the variable), build the logger, run, and turn Chorus errors
 * into one readable line and a non-zero exit code.
 */
export async function runWithConfig(main: (config: Config, logger: Logger) => Promise<number | void>, overrides: Record<string, string> = {}): Promise<void> {
  let config: Config;
  try {
    loadDotEnv();
    config = loadConfig({ ...process.env, ...overrides });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, format: config.log.format, destination: process.stderr });
  try {
    process.exitCode = (await main(config, logger)) ?? 0;
  } catch (error) {
    if (error instanceof ChorusError) {
      process.stderr.write(`${error.message}\n`);
      logger.debug({ err: error }, 'stopped with an error');
      process.exitCode = 1;
      return;
    }
    logger.fatal({ err: error }, 'Chorus stopped because of an unexpected error');
    process.exitCode = 1;
  }
}
