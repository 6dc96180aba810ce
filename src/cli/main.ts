import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Chorus } from '../app/Chorus.ts';
import { runWithConfig } from '../app/runWithConfig.ts';
import type { Config } from '../config/Config.ts';
import type { Logger } from '../log/createLogger.ts';
import { audioFileFormat, UtteranceFileSink } from '../sinks/UtteranceFileSink.ts';
import { ChorusError } from '../util/ChorusError.ts';
import type { VoiceOwner } from '../voices/Voice.ts';
import { describeEnrollment } from '../voices/describeEnrollment.ts';
import { parseArguments, UsageError } from './parseArguments.ts';
import { Progress } from './Progress.ts';

const USAGE = `Usage: chorus <command> [options]
  say TEXT [--voice NAME] [-o FILE.ogg|FILE.wav]     speak TEXT into a file (default: out/say-<time>.ogg)
  clone NAME CLIP --transcript TEXT [--lang zh|en] --yes
                                                     register a voice from a recording; --yes confirms it is your
                                                     own voice or that you have the speaker's consent
  voices                                             list registered voices
  voice rm NAME                                      delete a voice and its files
  bili bind VIEWER VOICE [--room ROOM]               a Bilibili viewer (uid or open_id) is read in VOICE (in one room, or all)
  bili unbind VIEWER [--room ROOM]                   back to the voice pool / default voice
  bili bindings                                      list viewer voices
Configuration comes from the environment and .env (see .env.example).`;

/** The CLI acts as the machine's operator: the same owner as the console. */
const OPERATOR: VoiceOwner = { platform: 'console', userId: 'local' };
const CLI_TARGET = 'cli';

class SpeechFailedError extends ChorusError {
  constructor(detail: string) {
    super('speech-failed', `Nothing was spoken: ${detail}.`);
  }
}

async function say(chorus: Chorus, config: Config, args: ReturnType<typeof parseArguments>): Promise<number> {
  const text = args.positional.slice(1).join(' ');
  if (text.trim() === '') throw new UsageError('say needs the text to speak: chorus say "你好" -o hello.ogg');
  const outOption = args.options.get('output');
  const path = typeof outOption === 'string' ? resolve(outOption) : resolve(config.paths.outDir, `say-${Date.now()}.ogg`);
  audioFileFormat(path); // fail before synthesising if the extension is wrong
  const voice = args.options.get('voice');
  const sink = new UtteranceFileSink({ pathFor: () => path, opusChannels: 2 });
  const progress = new Progress(process.stderr, 'Speaking');
  let seconds = 0;
  sink.on('written', (_utterance, _path, length) => (seconds = length));
  chorus.attachSink(CLI_TARGET, sink);
  const player = chorus.player(CLI_TARGET);
  let failure: string | undefined;
  player.on('utteranceEnd', (report) => {
    if (report.outcome === 'failed') failure = report.error instanceof Error ? report.error.message : 'the engine failed';
  });
  player.on('drop', (drop) => (failure = drop.detail));
  const outcome = await chorus.say({
    id: randomUUID(),
    // As the operator, so the operator's private voices are usable by name.
    platform: OPERATOR.platform,
    target: CLI_TARGET,
    author: { userId: OPERATOR.userId, displayName: 'cli' },
    text,
    kind: 'command',
    ...(typeof voice === 'string' ? { voiceName: voice } : {}),
    receivedAt: Date.now(),
  });
  if (outcome.kind === 'dropped') throw new SpeechFailedError(outcome.detail);
  progress.start();
  await chorus.whenIdle();
  progress.stop();
  if (failure !== undefined) throw new SpeechFailedError(failure);
  process.stdout.write(`${path} (${seconds.toFixed(1)} s)\n`);
  return 0;
}

async function clone(chorus: Chorus, args: ReturnType<typeof parseArguments>): Promise<number> {
  const [, name, clip] = args.positional;
  const transcript = args.options.get('transcript');
  const language = args.options.get('lang') ?? 'zh';
  if (name === undefined || clip === undefined || typeof transcript !== 'string') {
    throw new UsageError('clone needs a name, a clip and its transcript: chorus clone alice clip.m4a --transcript "what the clip says"');
  }
  if (language !== 'zh' && language !== 'en') throw new UsageError('--lang must be zh or en');
  // Consent is explicit: nothing is decoded or stored without it.
  if (args.options.get('yes') !== true) {
    throw new UsageError('Cloning a voice needs the speaker’s consent. If this is your own voice, or the speaker agreed, run the command again with --yes.');
  }
  const progress = new Progress(process.stderr, `Registering "${name}"`);
  progress.start();
  try {
    const result = await chorus.enrollment.enroll({
      bytes: await readFile(clip),
      name,
      transcript,
      language,
      owner: OPERATOR,
      scope: { kind: 'private' },
      consent: {
        confirmedBy: OPERATOR,
        confirmedAt: new Date(),
        statement: 'Registered with the command line by the machine’s operator, who confirmed it is their own voice or that they have the speaker’s consent.',
      },
    });
    progress.stop();
    process.stdout.write(`${describeEnrollment(result)}\n`);
    return 0;
  } finally {
    progress.stop();
  }
}

async function listVoices(chorus: Chorus): Promise<number> {
  const voices = await chorus.registry.list();
  if (voices.length === 0) process.stdout.write('No voices registered yet. Register one with: chorus clone NAME CLIP --transcript TEXT\n');
  for (const voice of voices) {
    const scope = voice.scope.kind === 'guild' ? `shared in ${voice.scope.guildId}` : voice.scope.kind;
    process.stdout.write(`${voice.name}\t${voice.language}\t${voice.clipSeconds.toFixed(1)} s\t${voice.owner.platform}:${voice.owner.userId}\t${scope}\n`);
  }
  return 0;
}

async function removeVoice(chorus: Chorus, args: ReturnType<typeof parseArguments>): Promise<number> {
  const [, sub, name] = args.positional;
  if (sub !== 'rm' || name === undefined) throw new UsageError('Usage: chorus voice rm NAME');
  const voice = await chorus.registry.findByName(name, OPERATOR);
  if (voice === undefined) throw new UsageError(`There is no voice called "${name}" (chorus voices lists them).`);
  await chorus.registry.delete(voice.id, { ...OPERATOR, isManager: true });
  process.stdout.write(`Deleted "${voice.name}" and its files.\n`);
  return 0;
}

async function bilibili(chorus: Chorus, args: ReturnType<typeof parseArguments>): Promise<number> {
  const [, sub, viewerId, name] = args.positional;
  const room = args.options.get('room');
  const scopeId = typeof room === 'string' ? room : undefined;
  if (sub === 'bindings') {
    const bindings = await chorus.viewerVoices.list('bilibili');
    if (bindings.length === 0) process.stdout.write('No viewer has a voice of their own yet. Give one with: chorus bili bind UID VOICE\n');
    for (const binding of bindings) process.stdout.write(`${binding.viewerId}\t${binding.voiceName}\t${binding.scopeId === undefined ? 'every room' : `room ${binding.scopeId}`}\n`);
    return 0;
  }
  if ((sub !== 'bind' && sub !== 'unbind') || viewerId === undefined || (sub === 'bind' && name === undefined)) {
    throw new UsageError('Usage: chorus bili bind VIEWER VOICE [--room ROOM] | chorus bili unbind VIEWER [--room ROOM] | chorus bili bindings');
  }
  const viewer = { platform: 'bilibili' as const, userId: viewerId };
  if (sub === 'unbind') {
    const removed = await chorus.viewerVoices.unbind(viewer, scopeId);
    process.stdout.write(removed ? `Viewer ${viewerId} no longer has a voice of their own.\n` : `Viewer ${viewerId} had no voice of their own.\n`);
    return 0;
  }
  const voice = await chorus.registry.findByName(name as string, OPERATOR, scopeId);
  if (voice === undefined) throw new UsageError(`There is no voice called "${name}" (chorus voices lists them).`);
  await chorus.viewerVoices.bind(viewer, scopeId, voice.id, OPERATOR);
  process.stdout.write(`Viewer ${viewerId} is now read as "${voice.name}"${scopeId === undefined ? '' : ` in room ${scopeId}`}.\n`);
  return 0;
}

async function run(config: Config, logger: Logger): Promise<number> {
  const args = parseArguments(process.argv.slice(2), new Set(['voice', 'output', 'transcript', 'lang', 'room']), { o: 'output' });
  const command = args.positional[0];
  if (command === undefined || args.options.has('help') || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !args.options.has('help') ? 64 : 0;
  }
  if (!['say', 'clone', 'voices', 'voice', 'bili'].includes(command)) throw new UsageError(`Unknown command "${command}".\n${USAGE}`);
  const chorus = await Chorus.start({ config, logger });
  try {
    switch (command) {
      case 'say':
        return await say(chorus, config, args);
      case 'clone':
        return await clone(chorus, args);
      case 'voices':
        return await listVoices(chorus);
      case 'bili':
        return await bilibili(chorus, args);
      default:
        return await removeVoice(chorus, args);
    }
  } finally {
    await chorus.close();
  }
}

// Quiet by default: the CLI prints results on stdout; logs only when something goes wrong.
await runWithConfig(run, { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty' });
