import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../SqliteDatabase.ts';
import { VoiceRegistry } from '../VoiceRegistry.ts';

const worker = fileURLToPath(new URL('./fixtures/registerLoop.ts', import.meta.url));
const ROUNDS = 12;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-kill-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface RoundLog {
  readonly registered: string[];
  readonly deleting: string[];
  readonly stderr: string;
}

/** Runs the worker and SIGKILLs it at a random moment: during start-up in odd rounds, mid-work in even ones. */
function runAndKill(dbPath: string, voicesDir: string, round: number): Promise<RoundLog> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, dbPath, voicesDir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = { registered: [] as string[], deleting: [] as string[], stderr: '' };
    let buffered = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const killAfter = (ms: number): void => {
      timer ??= setTimeout(kill, ms);
    };
    if (round % 2 === 1) killAfter(50 + Math.random() * 250);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, id] = line.split(' ');
        if (word === 'ready') killAfter(Math.random() * 250);
        else if (word === 'registered' && id) log.registered.push(id);
        else if (word === 'deleting' && id) log.deleting.push(id);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      log.stderr += text;
    });
    // Safety net: never let a worker outlive the test.
    const deadline = setTimeout(kill, 10_000);
    child.on('error', reject);
    // 'exit' comes after the child is reaped, so its pid no longer counts as alive.
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`worker ended on its own (${signal ?? _code}): ${log.stderr}`));
      else resolve(log);
    });
  });
}

describe('VoiceRegistry crash safety', () => {
  it('leaves a consistent registry whenever the process is killed', async () => {
    // The production layout: the database lives inside the voices directory.
    const voicesDir = join(dir, 'voices');
    const dbPath = join(voicesDir, 'chorus.sqlite');
    const expected = new Set<string>();
    const deleted = new Set<string>();
    let totalRegistered = 0;

    for (let round = 0; round < ROUNDS; round += 1) {
      const log = await runAndKill(dbPath, voicesDir, round);
      totalRegistered += log.registered.length;
      for (const id of log.registered) expected.add(id);
      for (const id of log.deleting) {
        expected.delete(id);
        deleted.add(id);
      }

      const db = await SqliteDatabase.open(dbPath);
      try {
        expect(await db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      } finally {
        await db.close();
      }

      const registry = await VoiceRegistry.open(dbPath, voicesDir);
      try {
        // No row lost its files: recovery found nothing to hide.
        expect(registry.lastRecovery?.missingFiles).toEqual([]);
        const rows = await registry.list({ includeUnavailable: true });
        const ids = new Set(rows.map((voice) => voice.id));
        // Every registration that returned before the kill is still there, unless its deletion had begun.
        for (const id of expected) expect(ids.has(id), `voice ${id} reported registered`).toBe(true);

        const entries = await readdir(voicesDir, { withFileTypes: true });
        const directories = entries.filter((entry) => entry.isDirectory() && entry.name !== '.staging').map((entry) => entry.name);
        expect(directories.sort()).toEqual([...ids].sort());
        expect(entries.some((entry) => entry.name === 'chorus.sqlite')).toBe(true);
        expect(await readdir(join(voicesDir, '.staging'))).toEqual([]);
        for (const voice of rows) {
          const wav = await readFile(join(voicesDir, voice.clipPath));
          expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
          expect(wav.length).toBe(44 + 24000 * 2);
          const meta = JSON.parse(await readFile(join(voicesDir, voice.id, 'meta.json'), 'utf8')) as { id: string };
          expect(meta.id).toBe(voice.id);
        }
      } finally {
        await registry.close();
      }
    }
    // The kills must have landed while work was going on, or the test proved nothing.
    expect(totalRegistered).toBeGreaterThan(0);
  });
});
