import { randomUUID } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import type { ConsoleHost } from './ConsoleHost.ts';

export const CONSOLE_TARGET = 'console';

export interface ConsoleGatewayOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly host: ConsoleHost;
  /** The name the typed lines are attributed to. */
  readonly userName: string;
  /** Show a prompt (interactive terminals only). */
  readonly prompt?: boolean;
}

const HELP = [
  'Type a line to hear it. Commands:',
  '  /voice NAME                       speak with a registered voice (/voice default for the stock voice)',
  '  /voices                           list the voices you can use',
  '  /clone NAME FILE [zh|en] TRANSCRIPT  register a voice from a clip (you confirm it is your voice or you have consent)',
  '  /skip   /clear   /queue            control what is being read',
  '  /help   /quit',
].join('\n');

interface CloneRequest {
  readonly name: string;
  readonly file: string;
  readonly transcript: string;
  readonly language: 'zh' | 'en';
}

/** `confirming`: a /clone waits for the operator to confirm consent; the next line is the answer. */
type ConsoleState =
  | { readonly status: 'reading' }
  | { readonly status: 'confirming'; readonly clone: CloneRequest }
  | { readonly status: 'closed' };

export const CONSENT_QUESTION = 'Is this your own voice, or do you have the speaker’s consent to clone it? [y/N]';

/**
 * The local gateway for people with no platform accounts yet: each typed line is a chat message from the
 * local user, and `/…` lines are commands. Works on any streams, so tests drive it without a terminal.
 */
export class ConsoleGateway {
  readonly #options: ConsoleGatewayOptions;
  readonly #lines: Interface;
  #state: ConsoleState = { status: 'reading' };
  #work: Promise<void> = Promise.resolve();
  readonly closed: Promise<void>;

  constructor(options: ConsoleGatewayOptions) {
    this.#options = options;
    this.#lines = createInterface({ input: options.input, output: options.prompt === true ? options.output : undefined, terminal: options.prompt === true });
    this.#lines.setPrompt('> ');
    // Lines are handled strictly one after another so output and queue order match what was typed.
    this.#lines.on('line', (line) => {
      this.#work = this.#work.then(() => this.#handle(line)).then(() => this.#prompt());
    });
    this.closed = new Promise((resolve) => this.#lines.once('close', () => void this.#work.then(() => resolve())));
    this.#lines.once('close', () => (this.#state = { status: 'closed' }));
  }

  start(): void {
    this.#print(HELP);
    this.#prompt();
  }

  close(): void {
    if (this.#state.status === 'closed') return;
    this.#lines.close();
  }

  #prompt(): void {
    if (this.#options.prompt === true && this.#state.status !== 'closed') this.#lines.prompt();
  }

  #print(text: string): void {
    this.#options.output.write(`${text}\n`);
  }

  async #handle(raw: string): Promise<void> {
    const line = raw.trim();
    const state = this.#state;
    if (state.status === 'confirming') {
      this.#state = { status: 'reading' };
      if (!/^(y|yes|是|对)$/i.test(line)) {
        this.#print('Not registered: cloning a voice needs the speaker’s consent.');
        return;
      }
      await this.#clone(state.clone);
      return;
    }
    if (line === '') return;
    try {
      if (line.startsWith('/')) await this.#command(line);
      else await this.#say(line);
    } catch (error) {
      this.#print(`! ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async #say(text: string): Promise<void> {
    const { host, userName } = this.#options;
    const problem = await host.say({
      id: randomUUID(),
      platform: 'console',
      target: CONSOLE_TARGET,
      author: { userId: 'local', displayName: userName },
      text,
      kind: 'chat',
      receivedAt: Date.now(),
    });
    if (problem !== undefined) this.#print(`(not read: ${problem})`);
  }

  async #clone(request: CloneRequest): Promise<void> {
    this.#print(`Registering "${request.name}" from ${request.file} …`);
    try {
      this.#print(await this.#options.host.cloneVoice(request.name, request.file, request.transcript, request.language));
    } catch (error) {
      this.#print(`! ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async #command(line: string): Promise<void> {
    const { host } = this.#options;
    const [command = '', ...rest] = line.slice(1).split(/\s+/);
    switch (command.toLowerCase()) {
      case 'help':
        this.#print(HELP);
        return;
      case 'quit':
      case 'exit':
        this.close();
        return;
      case 'voice': {
        const name = rest.join(' ');
        if (name === '') throw new Error('Say which voice: /voice NAME (see /voices).');
        this.#print(await host.selectVoice(name));
        return;
      }
      case 'voices': {
        const voices = await host.listVoices();
        if (voices.length === 0) this.#print('No registered voices yet. Register one with /clone NAME FILE TRANSCRIPT.');
        for (const voice of voices) this.#print(`${voice.selected ? '*' : ' '} ${voice.name} (${voice.language}${voice.mine ? '' : ', shared'})`);
        return;
      }
      case 'clone': {
        const [name, file, maybeLanguage, ...words] = rest;
        const language = maybeLanguage === 'zh' || maybeLanguage === 'en' ? maybeLanguage : undefined;
        const transcript = (language === undefined ? [maybeLanguage ?? '', ...words] : words).join(' ').trim();
        if (name === undefined || file === undefined || transcript === '') {
          throw new Error('Usage: /clone NAME FILE [zh|en] TRANSCRIPT — the transcript is what the clip says.');
        }
        // Nothing is read or stored before the operator confirms consent.
        this.#state = { status: 'confirming', clone: { name, file, transcript, language: language ?? 'zh' } };
        this.#print(CONSENT_QUESTION);
        return;
      }
      case 'skip':
        this.#print(host.skip() ? 'Skipped.' : 'Nothing is being read.');
        return;
      case 'clear':
        this.#print(`Cleared ${host.clear()} waiting message(s).`);
        return;
      case 'queue': {
        const entries = host.queue();
        if (entries.length === 0) this.#print('The queue is empty.');
        entries.forEach((entry, index) => this.#print(`${entry.playing ? '▶' : `${index}.`} ${entry.speaker}: ${entry.text}`));
        return;
      }
      default:
        throw new Error(`Unknown command /${command}. Type /help for the list.`);
    }
  }
}
