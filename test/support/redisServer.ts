import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface RedisServerOptions {
  /**
   * Keep data across `restart()` in an append-only file fsynced on every write, as a production Redis
   * that must lose nothing would. Default false (memory only).
   */
  readonly persistent?: boolean;
  /** Require this password (`requirepass`), as a production Redis reachable from other machines would. */
  readonly password?: string;
}

/** A free loopback TCP port, found by letting the OS choose one and releasing it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.once('error', () => resolve(false));
    // A password-protected server answers -NOAUTH: up all the same.
    socket.once('close', () => resolve(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')));
    socket.on('data', (data: Buffer) => {
      reply += data.toString('latin1');
      if (reply.includes('\r\n')) socket.end();
    });
    socket.write('PING\r\n');
  });
}

/**
 * Debian's `redis-server` as a child process of the test, on a free loopback port, with its files in a temp
 * directory. Stopped by PID (never by name), so parallel test files each own their instance.
 */
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  readonly #persistent: boolean;
  readonly #password: string | undefined;
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(port: number, dir: string, options: RedisServerOptions) {
    this.port = port;
    this.dir = dir;
    this.#persistent = options.persistent ?? false;
    this.#password = options.password;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-redis-'));
    const server = new RedisServer(await freePort(), dir, options);
    try {
      await server.#spawn();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return server;
  }

  get url(): string {
    const auth = this.#password === undefined ? '' : `:${encodeURIComponent(this.#password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  async #spawn(): Promise<void> {
    const persistence = this.#persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const auth = this.#password === undefined ? [] : ['--requirepass', this.#password];
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', this.dir, '--daemonize', 'no', '--loglevel', 'warning', ...auth], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const collect = (data: Buffer): void => {
      this.#log = (this.#log + data.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let failed: unknown;
    child.once('error', (error) => (failed = error));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (failed !== undefined) throw failed;
      if (child.exitCode !== null) break;
      if (await answersPing(this.port)) return;
      await Promise.race([delay(50), exited]);
    }
    child.kill('SIGKILL');
    this.#child = undefined;
    throw new Error(`redis-server did not start on port ${this.port}: ${this.#log.trim() || 'no output'}`);
  }

  /** Stops the server (SIGTERM: with persistence on, everything written so far is on disk). */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timeout = delay(5000).then(() => 'timeout' as const);
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** Starts it again on the same port and directory (data kept only if `persistent`). */
  async restart(): Promise<void> {
    await this.stop();
    await this.#spawn();
  }

  /** Stops the server and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
