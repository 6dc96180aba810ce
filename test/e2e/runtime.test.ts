import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/runChorus.ts';

const run = promisify(execFile);

function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.replace(/^v/, '').split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

// The machine's own Node (20 here) must never run Chorus: @discordjs/voice and type stripping need ≥ 22.12.
describe('runtime', () => {
  it('runs the tests on the Node that npm install brought in', () => {
    expect(atLeast(process.versions.node, 22, 12)).toBe(true);
    expect(process.execPath).toContain(`${REPO_ROOT}node_modules/`);
  });

  it('npm scripts resolve `node` to that same Node', async () => {
    const { stdout } = await run('npm', ['exec', '--', 'node', '-p', 'process.version'], { cwd: REPO_ROOT, env: { ...process.env, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` } });
    expect(atLeast(stdout.trim(), 22, 12)).toBe(true);
  });
});
