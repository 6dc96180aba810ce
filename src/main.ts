import { userInfo } from 'node:os';
import { Chorus } from './app/Chorus.ts';
import { ConsoleHostAdapter } from './app/ConsoleHostAdapter.ts';
import { outputPath } from './app/outputPath.ts';
import { runWithConfig } from './app/runWithConfig.ts';
import { startupMessage } from './app/startupMessage.ts';
import { CONSOLE_TARGET, ConsoleGateway } from './gateways/console/ConsoleGateway.ts';
import { BilibiliRoom, bilibiliRoute } from './gateways/bilibili/BilibiliRoom.ts';
import { loadBilibiliSettings } from './gateways/bilibili/BilibiliSettings.ts';
import { overlayStartupMessage, startOverlay } from './app/startOverlay.ts';
import { UtteranceFileSink } from './sinks/UtteranceFileSink.ts';
import { startDiscord } from './gateways/discord/startDiscord.ts';

// `npm start`: the whole bot in one process. With no platform credentials it reads the local console.
await runWithConfig(async (config, logger) => {
  // Logs go to stderr in pretty mode only at warn and above while the console owns the terminal.
  const bilibiliSettings = bilibiliRoute(config) === undefined ? undefined : await loadBilibiliSettings(config.bilibili.settingsPath);
  const live = bilibiliSettings && {
    blockedWords: bilibiliSettings.blockedWords,
    viewerVoices: Object.entries(bilibiliSettings.voices).map(([viewerId, voiceName]) => ({ platform: 'bilibili' as const, viewerId, voiceName, setting: `voices.${viewerId} in ${config.bilibili.settingsPath}` })),
  };
  const chorus = await Chorus.start({ config, logger, ...(live === undefined ? {} : { live }) });
  const files = new UtteranceFileSink({ pathFor: (utterance) => outputPath(config.paths.outDir, utterance), opusChannels: 2 });
  files.on('written', (utterance, path, seconds) => process.stdout.write(`♪ ${utterance.speaker.displayName}: ${utterance.displayText}  → ${path} (${seconds.toFixed(1)} s)\n`));
  chorus.attachSink(CONSOLE_TARGET, files);
  // A live room is read into its own target; the same sinks hear it.
  const room = bilibiliSettings && new BilibiliRoom({ config, settings: bilibiliSettings, host: chorus, logger });
  if (room !== undefined) chorus.attachSink(room.target, files);

  // The OBS overlay shows the live room when there is one, else the console; other targets are one URL parameter away.
  const overlay = await startOverlay(chorus, { config, logger, target: room?.target ?? CONSOLE_TARGET, moreTargets: [CONSOLE_TARGET] });
  process.stdout.write(`${startupMessage(config)}\n`);
  if (overlay !== undefined) process.stdout.write(`${overlayStartupMessage(overlay)}\n`);
  const interactive = process.stdin.isTTY === true;
  const console = new ConsoleGateway({ input: process.stdin, output: process.stdout, host: new ConsoleHostAdapter(chorus), userName: userInfo().username || 'you', prompt: interactive });
  let signalled!: () => void;
  const stopSignal = new Promise<void>((resolve) => (signalled = resolve));
  const stop = (): void => {
    signalled();
    console.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.start();
  // Discord, when a token is set: runs until a signal (or /quit at an interactive console), like a live room.
  const discord = config.secrets.discordToken === undefined ? undefined : await startDiscord(chorus, config, logger);
  if (discord !== undefined && room === undefined) {
    await Promise.race([stopSignal, interactive ? console.closed : new Promise<never>(() => {})]);
  }
  if (room !== undefined) {
    void room.start();
    // A room runs until a signal (or /quit at an interactive console); piped console input ending does not stop it.
    await Promise.race([stopSignal, interactive ? console.closed : new Promise<never>(() => {})]);
    await room.close();
  }
  await console.closed;
  // Piped input: finish reading what was typed before exiting. Interactive /quit or Ctrl-C: stop now.
  if (!interactive && room === undefined && discord === undefined) await chorus.whenIdle();
  await discord?.close();
  await chorus.close();
  await overlay?.close();
  logger.debug('stopped');
});
