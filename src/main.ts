import { userInfo } from 'node:os';
import { Chorus } from './app/Chorus.ts';
import { ConsoleHostAdapter } from './app/ConsoleHostAdapter.ts';
import { outputPath } from './app/outputPath.ts';
import { runWithConfig } from './app/runWithConfig.ts';
import { startupMessage } from './app/startupMessage.ts';
import { CONSOLE_TARGET, ConsoleGateway } from './gateways/console/ConsoleGateway.ts';
import { UtteranceFileSink } from './sinks/UtteranceFileSink.ts';

// `npm start`: the whole bot in one process. With no platform credentials it reads the local console.
await runWithConfig(async (config, logger) => {
  // Logs go to stderr in pretty mode only at warn and above while the console owns the terminal.
  const chorus = await Chorus.start({ config, logger });
  const files = new UtteranceFileSink({ pathFor: (utterance) => outputPath(config.paths.outDir, utterance), opusChannels: 2 });
  files.on('written', (utterance, path, seconds) => process.stdout.write(`♪ ${utterance.speaker.displayName}: ${utterance.displayText}  → ${path} (${seconds.toFixed(1)} s)\n`));
  chorus.attachSink(CONSOLE_TARGET, files);

  process.stdout.write(`${startupMessage(config)}\n`);
  const interactive = process.stdin.isTTY === true;
  const console = new ConsoleGateway({ input: process.stdin, output: process.stdout, host: new ConsoleHostAdapter(chorus), userName: userInfo().username || 'you', prompt: interactive });
  const stop = (): void => console.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.start();
  await console.closed;
  // Piped input: finish reading what was typed before exiting. Interactive /quit or Ctrl-C: stop now.
  if (!interactive) await chorus.whenIdle();
  await chorus.close();
  logger.debug('stopped');
});
